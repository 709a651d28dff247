import SQLStore
import Synchronization

/// The results of one transaction's evaluations, kept back until its end so that each unit's
/// standing (per year and criteria set) is written once, with the best result, instead of once per
/// evaluation: during a catch-up most results are replaced by a later one of the same batch, and
/// each write carries the whole result (a few kB).
///
/// The best is the same as applying the results one by one: a higher set version, then a higher
/// revision replaces; of equals, the first one stands (and the store's row wins over an equal one).
final class KeptResults: Sendable {
    /// A unit, year and criteria set, compared byte by byte as the store compares its key (Swift's
    /// `String ==` treats canonically equivalent spellings as equal; the store does not).
    struct Key: Hashable, Sendable {
        let unit: [UInt8]
        let year: Int
        let setID: [UInt8]

        init(unit: String, year: Int, setID: String) {
            self.unit = Array(unit.utf8)
            self.year = year
            self.setID = Array(setID.utf8)
        }
    }

    /// One unit's best result of the batch for a year and set.
    struct Candidate: Sendable {
        let setOrder: String
        let revision: Int64
        /// The `report_result` row, in the order of ``ReportStore``'s upsert.
        let row: [SQLValue]
    }

    private struct State {
        var order: [Key] = []
        var best: [Key: Candidate] = [:]
    }

    private let state = Mutex(State())

    /// Keeps `candidate` for `key` when it is better than what is kept.
    func offer(_ candidate: Candidate, for key: Key) {
        state.withLock { state in
            guard let kept = state.best[key] else {
                state.order.append(key)
                state.best[key] = candidate
                return
            }
            // Set versions compare as the store compares them: byte by byte.
            let sameSet = candidate.setOrder.utf8.elementsEqual(kept.setOrder.utf8)
            let better =
                sameSet
                ? candidate.revision > kept.revision
                : kept.setOrder.utf8.lexicographicallyPrecedes(candidate.setOrder.utf8)
            if better { state.best[key] = candidate }
        }
    }

    /// The kept candidates, in the order their keys were first offered; nothing is kept afterwards.
    func take() -> [Candidate] {
        state.withLock { state in
            defer { state = State() }
            return state.order.compactMap { state.best[$0] }
        }
    }
}
