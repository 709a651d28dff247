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

    /// Loads every `*.json` file of `directory`; every problem names its file and line.
    public static func load(directory: URL) throws -> CriteriaCatalog {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        var sets: [CriteriaSet] = []
        var problems: [String] = []
        var definedIn: [String: String] = [:]
        for file in files {
            let bytes: Data
            do { bytes = try Data(contentsOf: file) } catch {
                problems.append("\(file.path): cannot be read: \(error.localizedDescription)")
                continue
            }
            let lines = SourceLines(bytes)
            do {
                let set = try JSONDecoder().decode(CriteriaSet.self, from: bytes)
                problems += Self.problems(of: set).map { "\(file.path):\(lines.line(of: $0)): \($0)" }
                if let other = definedIn[set.reference] {
                    problems.append("\(file.path):1: criteria set \(set.reference) is already defined in \(other)")
                }
                definedIn[set.reference] = file.path
                sets.append(set)
            } catch let error as DecodingError {
                problems.append("\(file.path):\(lines.line(of: error)): \(Self.describe(error))")
            } catch {
                problems.append("\(file.path): \(error)")
            }
        }
        guard problems.isEmpty else { throw CriteriaError(problems: problems) }
        return try CriteriaCatalog(sets: sets)
    }

    /// A decoding error in a few words: where (`criteria[3].rule`) and what.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as? NSError)?.userInfo["NSDebugDescription"] as? String
            return "\(path(context.codingPath).isEmpty ? "" : path(context.codingPath) + ": ")"
                + (underlying.map { "not valid JSON (\($0))" } ?? context.debugDescription)
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): missing"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(type), found null"
        @unknown default:
            return "\(error)"
        }
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

/// A criteria file's text, to say on which line a problem is: a criterion's line is the line of its
/// `"id"`; anything else about the set is on the set's `"id"` line (or 1).
struct SourceLines {
    private let lines: [Substring]

    init(_ data: Data) {
        lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The line of `"id": "<id>"`, or of the first `"id"`.
    func line(ofID id: String?) -> Int {
        if let id, let index = lines.firstIndex(where: { $0.contains("\"\(id)\"") && $0.contains("\"id\"") }) {
            return index + 1
        }
        return (lines.firstIndex { $0.contains("\"id\"") } ?? 0) + 1
    }

    /// The line a validation problem is about (`criterion X of ...` names the criterion).
    func line(of problem: String) -> Int {
        let words = problem.split(separator: " ").map(String.init)
        guard var at = words.firstIndex(of: "criterion") else { return line(ofID: nil) }
        if at + 1 < words.count, words[at + 1] == "id" { at += 1 }
        guard at + 1 < words.count else { return line(ofID: nil) }
        return line(ofID: words[at + 1].trimmingCharacters(in: CharacterSet(charactersIn: ":")))
    }

    /// The line of the criterion a decoding error is in (`criteria[3]...`), else of the set.
    func line(of error: DecodingError) -> Int {
        let context: DecodingError.Context? =
            switch error {
            case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context),
                .valueNotFound(_, let context):
                context
            @unknown default: nil
            }
        guard let keys = context?.codingPath, keys.first?.stringValue == "criteria", keys.count > 1,
            let index = keys[1].intValue
        else {
            return line(ofID: nil)
        }
        // The index-th criterion's "id" line: the (index + 2)-th "id" in the file (the set's is first).
        let idLines = lines.indices.filter { lines[$0].contains("\"id\"") }
        return idLines.count > index + 1 ? idLines[index + 1] + 1 : line(ofID: nil)
    }
}

/// Criteria data that cannot be used, with every problem found.
public struct CriteriaError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { "invalid criteria data: " + problems.joined(separator: "; ") }
}
