import Models

/// What a criteria set reads of one unit in one evaluation year: the submission that triggered the
/// evaluation and the unit's other submissions of that year, each in its latest version as intake
/// held them when the trigger was accepted.
///
/// A set reads a field from the first of its `submission_kinds` that has it. Within a kind the most
/// recently accepted submission wins, except that the `code` fields of repeatable kinds (events,
/// models, proposals) are read together as the list of every code sent (so a rule can ask whether
/// the unit took part in the 19/8 festival at all).
public struct Dossier: Sendable {
    /// One submission version and its `data`.
    public struct Member: Sendable {
        public let facts: SubmissionFacts
        public let data: [String: JSONValue]

        public init(facts: SubmissionFacts, data: [String: JSONValue]) {
            self.facts = facts
            self.data = data
        }

        /// Reads `data` from a submission body as received (an unreadable body reads as empty).
        public init(facts: SubmissionFacts, body: [UInt8]) {
            self.init(facts: facts, data: (try? JSONParser.parse(body))?.object?["data"]?.object ?? [:])
        }
    }

    /// The trigger first, then the others, most recently accepted first.
    public let members: [Member]

    public init(trigger: Member, others: [Member] = []) {
        members = [trigger] + others.filter { $0.facts.key != trigger.facts.key }
    }

    /// The keys of the submission versions `set` reads, sorted: recorded with its result.
    public func sources(for set: CriteriaSet) -> [String] {
        members.filter { set.submissionKinds.contains($0.facts.kind) }.map(\.facts.key).sorted()
    }

    /// Whether the dossier has a submission of the set's first (primary) kind: without one the set
    /// gives no result yet (e.g. no self-assessment, only an event report).
    public func hasPrimary(for set: CriteriaSet) -> Bool {
        guard let primary = set.submissionKinds.first else { return false }
        return members.contains { $0.facts.kind == primary }
    }

    /// The fields `set` reads, merged as the type's documentation says.
    public func data(for set: CriteriaSet) -> [String: JSONValue] {
        // The common case: the set reads one kind and the dossier is the one submission.
        if members.count == 1, set.submissionKinds.count == 1, members[0].facts.kind == set.submissionKinds[0],
            !members[0].facts.kind.isRepeatable
        {
            return members[0].data
        }
        var merged: [String: JSONValue] = [:]
        for kind in set.submissionKinds {
            let ofKind = members.filter { $0.facts.kind == kind }
            guard !ofKind.isEmpty else { continue }
            let specs = SubmissionSchema.fields(of: kind)
            for spec in specs where merged[spec.name] == nil {
                if kind.isRepeatable, case .code = spec.type {
                    let codes = ofKind.compactMap { $0.data[spec.name]?.string }
                    var seen: Set<String> = []
                    merged[spec.name] = .array(codes.filter { seen.insert($0).inserted }.map(JSONValue.string))
                } else if let value = ofKind.lazy.compactMap({ $0.data[spec.name] }).first {
                    merged[spec.name] = value
                }
            }
        }
        return merged
    }
}
