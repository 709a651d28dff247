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
    /// One unit's best result of the batch for a year and set.
    struct Candidate: Sendable {
        let setOrder: String
        let revision: Int64
        /// The `report_result` row, in the order of ``ReportStore``'s upsert.
        let row: [SQLValue]
    }

    private struct State {
        var order: [String] = []
        var best: [String: Candidate] = [:]
    }

    private let state = Mutex(State())

    /// Keeps `candidate` for `key` when it is better than what is kept.
    func offer(_ candidate: Candidate, for key: String) {
        state.withLock { state in
            guard let kept = state.best[key] else {
                state.order.append(key)
                state.best[key] = candidate
                return
            }
            if (candidate.setOrder, candidate.revision) > (kept.setOrder, kept.revision) { state.best[key] = candidate }
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
