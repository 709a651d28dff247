import Foundation
import Models

/// Every criteria set in a directory, and which one applies to a submission.
public struct CriteriaCatalog: Sendable {
    public let sets: [CriteriaSet]

    public init(sets: [CriteriaSet]) throws(CriteriaError) {
        var problems: [String] = []
        var seen: Set<String> = []
        for set in sets {
            if !seen.insert(set.reference).inserted {
                problems.append("criteria set \(set.reference) is defined twice")
            }
            var ids: Set<String> = []
            for criterion in set.criteria where !ids.insert(criterion.id).inserted {
                problems.append("criteria set \(set.reference) has criterion id \(criterion.id) twice")
            }
            if set.criteria.isEmpty { problems.append("criteria set \(set.reference) has no criteria") }
            for criterion in set.criteria {
                for field in criterion.rule.fields {
                    let known = set.submissionKinds.contains { kind in
                        SubmissionSchema.fields(of: kind).contains { $0.name == field }
                    }
                    if !known {
                        problems.append("criterion \(criterion.id) of \(set.reference) reads unknown field \(field)")
                    }
                }
            }
        }
        guard problems.isEmpty else { throw CriteriaError(problems: problems) }
        self.sets = sets
    }

    /// Loads every `*.json` file of `directory`.
    public static func load(directory: URL) throws -> CriteriaCatalog {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        var sets: [CriteriaSet] = []
        var problems: [String] = []
        for file in files {
            do {
                sets.append(try JSONDecoder().decode(CriteriaSet.self, from: Data(contentsOf: file)))
            } catch {
                problems.append("\(file.path): \(error)")
            }
        }
        guard problems.isEmpty else { throw CriteriaError(problems: problems) }
        return try CriteriaCatalog(sets: sets)
    }

    /// The newest version of the set that judges this unit kind's submission kind in `year`.
    public func set(for unitKind: UnitKind, _ submissionKind: SubmissionKind, year: Int) -> CriteriaSet? {
        sets.filter { $0.applies(to: unitKind, submissionKind, year: year) }
            .max { a, b in
                a.validFromYear != b.validFromYear
                    ? a.validFromYear < b.validFromYear : a.versionOrder.lexicographicallyPrecedes(b.versionOrder)
            }
    }
}

/// Criteria data that cannot be used, with every problem found.
public struct CriteriaError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { "invalid criteria data: " + problems.joined(separator: "; ") }
}
