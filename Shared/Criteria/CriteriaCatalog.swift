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
            problems += Self.problems(of: set)
        }
        guard problems.isEmpty else { throw CriteriaError(problems: problems) }
        self.sets = sets
    }

    /// Everything wrong with one set on its own.
    static func problems(of set: CriteriaSet) -> [String] {
        var problems: [String] = []
        let name = "criteria set \(set.reference)"
        if set.unitKinds.isEmpty { problems.append("\(name) names no unit_kinds") }
        if set.submissionKinds.isEmpty { problems.append("\(name) names no submission_kinds") }
        if let last = set.validToYear, last < set.validFromYear {
            problems.append(
                "\(name) ends (valid_to_year \(last)) before it starts (valid_from_year \(set.validFromYear))")
        }
        var ids: Set<String> = []
        for criterion in set.criteria where !ids.insert(criterion.id).inserted {
            problems.append("\(name) has criterion id \(criterion.id) twice")
        }
        if set.criteria.isEmpty { problems.append("\(name) has no criteria") }
        problems += scoringProblems(set)
        for criterion in set.criteria {
            problems += ruleProblems(criterion, set)
        }
        return problems
    }

    /// A rule must read fields the set's submission kinds have, of the type it needs, and name
    /// only codes those fields allow.
    static func ruleProblems(_ criterion: Criterion, _ set: CriteriaSet) -> [String] {
        func spec(_ field: String) -> FieldSpec? {
            set.submissionKinds.lazy.compactMap { kind in SubmissionSchema.fields(of: kind).first { $0.name == field } }
                .first
        }
        let at = "criterion \(criterion.id) of \(set.reference)"
        var problems: [String] = []
        for field in criterion.rule.fields where spec(field) == nil {
            problems.append("\(at) reads unknown field \(field)")
        }
        guard problems.isEmpty else { return problems }
        func allowed(_ field: String) -> Set<String>? {
            switch spec(field)?.type {
            case .codes(let allowed), .code(let allowed): allowed
            default: nil
            }
        }
        func expect(_ field: String, _ wanted: String, _ matches: (FieldSpec.ValueType) -> Bool) {
            if let type = spec(field)?.type, !matches(type) {
                problems.append("\(at): field \(field) is not \(wanted), as rule type \(criterion.rule.typeName) needs")
            }
        }
        switch criterion.rule {
        case .yes(let field, _):
            expect(field, "a yes/no field") { $0 == .boolean }
        case .atLeast(let field, _, _), .atMost(let field, _, _):
            expect(field, "a count") { $0 == .count }
        case .shareAtLeast(let numerator, let denominator, _, _):
            expect(numerator, "a count") { $0 == .count }
            expect(denominator, "a count") { $0 == .count }
        case .noneOf(let field, let codes):
            guard let allowed = allowed(field) else {
                problems.append("\(at): field \(field) is not a list of codes, as rule type none_of needs")
                break
            }
            for code in codes.keys.sorted() where !allowed.contains(code) {
                problems.append("\(at): code \(code) is not one field \(field) allows")
            }
        case .includes(let field, let code, _):
            guard let allowed = allowed(field) else {
                problems.append("\(at): field \(field) is not a code or list of codes, as rule type includes needs")
                break
            }
            if !allowed.contains(code) { problems.append("\(at): code \(code) is not one field \(field) allows") }
        }
        return problems
    }

    /// What is wrong with a set's points and levels: classification sets award points for every
    /// criterion and name levels highest first down to 0 points; the others have neither.
    static func scoringProblems(_ set: CriteriaSet) -> [String] {
        var problems: [String] = []
        let name = "criteria set \(set.reference)"
        guard set.judgement == .classification else {
            if !set.levels.isEmpty {
                problems.append("\(name) has levels but its judgement is \(set.judgement.rawValue)")
            }
            for criterion in set.criteria where criterion.points != nil {
                problems.append(
                    "criterion \(criterion.id) of \(set.reference) awards points but the set is not a classification")
            }
            return problems
        }
        for criterion in set.criteria where (criterion.points ?? 0) <= 0 {
            problems.append("criterion \(criterion.id) of \(set.reference) needs points above 0 (a classification set)")
        }
        if set.levels.isEmpty { problems.append("\(name) is a classification but has no levels") }
        for (higher, lower) in zip(set.levels, set.levels.dropFirst()) where higher.minimumPoints <= lower.minimumPoints
        {
            problems.append(
                "\(name): level \(higher.id) (\(higher.minimumPoints) points) must need more than \(lower.id) (\(lower.minimumPoints))"
            )
        }
        if let last = set.levels.last, last.minimumPoints != 0 {
            problems.append("\(name): the lowest level \(last.id) must start at 0 points so every total has a level")
        }
        if let first = set.levels.first, first.minimumPoints > set.maximumPoints {
            problems.append(
                "\(name): level \(first.id) needs \(first.minimumPoints) points but the criteria award at most \(set.maximumPoints)"
            )
        }
        return problems
    }

    /// Loads every `*.json` file of `directory`.
    public static func load(directory: URL) throws -> CriteriaCatalog {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        var sets: [CriteriaSet] = []
        var problems: [String] = []
        var definedIn: [String: String] = [:]
        for file in files {
            do {
                let set = try JSONDecoder().decode(CriteriaSet.self, from: Data(contentsOf: file))
                problems += Self.problems(of: set).map { "\(file.path): \($0)" }
                if let other = definedIn[set.reference] {
                    problems.append("\(file.path): criteria set \(set.reference) is already defined in \(other)")
                }
                definedIn[set.reference] = file.path
                sets.append(set)
            } catch {
                problems.append("\(file.path): \(error)")
            }
        }
        guard problems.isEmpty else { throw CriteriaError(problems: problems) }
        return try CriteriaCatalog(sets: sets)
    }

    /// The newest version of the set that judges this unit kind's submission kind in `year`.
    public func set(for unitKind: UnitKind, _ submissionKind: SubmissionKind, year: Int) -> CriteriaSet? {
        sets(for: unitKind, submissionKind, year: year).first
    }

    /// Every set that judges this unit kind's submission kind in `year`, the newest version of each
    /// set id, in a stable order (recognition, classification, model unit; then by id).
    public func sets(for unitKind: UnitKind, _ submissionKind: SubmissionKind, year: Int) -> [CriteriaSet] {
        var newest: [String: CriteriaSet] = [:]
        for set in sets where set.applies(to: unitKind, submissionKind, year: year) {
            if let other = newest[set.id], !Self.isNewer(set, than: other) { continue }
            newest[set.id] = set
        }
        let order = Judgement.allCases
        return newest.values.sorted { a, b in
            a.judgement != b.judgement
                ? (order.firstIndex(of: a.judgement) ?? 0) < (order.firstIndex(of: b.judgement) ?? 0) : a.id < b.id
        }
    }

    /// A set by `id@version`, e.g. to re-evaluate under a named version.
    public func set(reference: String) -> CriteriaSet? { sets.first { $0.reference == reference } }

    private static func isNewer(_ a: CriteriaSet, than b: CriteriaSet) -> Bool {
        a.validFromYear != b.validFromYear
            ? a.validFromYear > b.validFromYear : b.versionOrder.lexicographicallyPrecedes(a.versionOrder)
    }
}

/// Criteria data that cannot be used, with every problem found.
public struct CriteriaError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { "invalid criteria data: " + problems.joined(separator: "; ") }
}
