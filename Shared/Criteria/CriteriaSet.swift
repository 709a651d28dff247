import Foundation
import Models

/// A versioned set of official criteria, loaded from a data file in `data/criteria/`.
///
/// A set names its legal source, the unit kinds and submission kinds it judges, its validity, and
/// its criteria. Changing a criterion means a new version in a new file; results record `id@version`.
public struct CriteriaSet: Codable, Sendable, Equatable {
    /// Stable id of the set, e.g. `TT124-KDC`.
    public let id: String
    /// Which of the three ways of judging a unit this set is.
    public let judgement: Judgement
    /// The set's version; a changed criterion means a new version (compared numerically, part by part).
    public let version: String
    /// Vietnamese title, e.g. "Tiêu chuẩn khu dân cư “An toàn về an ninh, trật tự”".
    public let title: String
    /// The legal document, e.g. "Thông tư 124/2021/TT-BCA".
    public let legalSource: String
    /// The unit kinds the set judges.
    public let unitKinds: [UnitKind]
    /// The submission kinds whose `data` it reads.
    public let submissionKinds: [SubmissionKind]
    /// First and last evaluation year the set applies to.
    public let validFromYear: Int
    public let validToYear: Int?
    /// What is known to be missing or provisional in this transcription of the source.
    public let note: String?
    /// Every criterion. Recognition and model-unit sets: all must be met. Classification sets: each
    /// met criterion awards its points.
    public let criteria: [Criterion]
    /// Classification sets only: the levels, highest first, each with the fewest points it needs.
    public let levels: [Level]
    /// Whether the level cut-offs are a stand-in until the official ones are transcribed.
    public let levelsProvisional: Bool

    public init(
        id: String, judgement: Judgement = .recognition, version: String, title: String, legalSource: String,
        unitKinds: [UnitKind], submissionKinds: [SubmissionKind], validFromYear: Int, validToYear: Int? = nil,
        note: String? = nil, criteria: [Criterion], levels: [Level] = [], levelsProvisional: Bool = false
    ) {
        self.id = id
        self.judgement = judgement
        self.version = version
        self.title = title
        self.legalSource = legalSource
        self.unitKinds = unitKinds
        self.submissionKinds = submissionKinds
        self.validFromYear = validFromYear
        self.validToYear = validToYear
        self.note = note
        self.criteria = criteria
        self.levels = levels
        self.levelsProvisional = levelsProvisional
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        judgement = try container.decodeIfPresent(Judgement.self, forKey: .judgement) ?? .recognition
        version = try container.decode(String.self, forKey: .version)
        title = try container.decode(String.self, forKey: .title)
        legalSource = try container.decode(String.self, forKey: .legalSource)
        unitKinds = try container.decode([UnitKind].self, forKey: .unitKinds)
        submissionKinds = try container.decode([SubmissionKind].self, forKey: .submissionKinds)
        validFromYear = try container.decode(Int.self, forKey: .validFromYear)
        validToYear = try container.decodeIfPresent(Int.self, forKey: .validToYear)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        criteria = try container.decode([Criterion].self, forKey: .criteria)
        levels = try container.decodeIfPresent([Level].self, forKey: .levels) ?? []
        levelsProvisional = try container.decodeIfPresent(Bool.self, forKey: .levelsProvisional) ?? false
    }

    /// The most points the set awards (classification sets; 0 for the others).
    public var maximumPoints: Int { criteria.reduce(0) { $0 + ($1.points ?? 0) } }

    /// The level `points` reach: the first whose cut-off they meet.
    public func level(for points: Int) -> Level? { levels.first { points >= $0.minimumPoints } }

    /// Versions compare as numbers, part by part: "10" is newer than "9", "2.1" newer than "2".
    var versionOrder: [Int] { version.split(separator: ".").map { Int($0) ?? 0 } }

    /// `id@version`, as stored with every result.
    public var reference: String { "\(id)@\(version)" }

    enum CodingKeys: String, CodingKey {
        case id, judgement, version, title, note, criteria, levels
        case levelsProvisional = "levels_provisional"
        case legalSource = "legal_source"
        case unitKinds = "unit_kinds"
        case submissionKinds = "submission_kinds"
        case validFromYear = "valid_from_year"
        case validToYear = "valid_to_year"
    }

    /// Whether this set judges `unitKind`'s `submissionKind` for a period of `year`.
    public func applies(to unitKind: UnitKind, _ submissionKind: SubmissionKind, year: Int) -> Bool {
        unitKinds.contains(unitKind) && submissionKinds.contains(submissionKind)
            && validFromYear <= year && (validToYear.map { year <= $0 } ?? true)
    }
}

/// A classification level, e.g. "Xuất sắc" from 90 points.
public struct Level: Codable, Sendable, Equatable {
    /// Stable code, e.g. `xuat_sac`.
    public let id: String
    /// Vietnamese name, e.g. "Xuất sắc".
    public let name: String
    /// The fewest points that reach this level.
    public let minimumPoints: Int

    public init(id: String, name: String, minimumPoints: Int) {
        self.id = id
        self.name = name
        self.minimumPoints = minimumPoints
    }

    enum CodingKeys: String, CodingKey {
        case id, name
        case minimumPoints = "min_points"
    }
}

/// One criterion: a stable id, the Vietnamese text, where it comes from, and how it is decided.
public struct Criterion: Codable, Sendable, Equatable {
    public let id: String
    public let text: String
    /// Article or section of the legal source, e.g. "tiêu chí 1".
    public let source: String
    /// The group it belongs to, e.g. "Nhóm 1. Công tác lãnh đạo, chỉ đạo" (model-unit and
    /// classification sets).
    public let group: String?
    /// Points awarded when met (classification sets only).
    public let points: Int?
    public let rule: Rule

    public init(id: String, text: String, source: String, group: String? = nil, points: Int? = nil, rule: Rule) {
        self.id = id
        self.text = text
        self.source = source
        self.group = group
        self.points = points
        self.rule = rule
    }
}

/// How a criterion is decided from a submission's `data`.
public enum Rule: Codable, Sendable, Equatable {
    /// A yes/no field must be true. `label` names what must exist, e.g. "nghị quyết của chi bộ".
    case yes(field: String, label: String)
    /// A count field must be at least `minimum`.
    case atLeast(field: String, minimum: Int, label: String)
    /// A count field must be at most `maximum` (0: "none may have happened").
    case atMost(field: String, maximum: Int, label: String)
    /// `numerator / denominator` must be at least `percent` %.
    case shareAtLeast(numerator: String, denominator: String, percent: Double, label: String)
    /// A list-of-codes field must contain none of `codes` (keys), whose Vietnamese names are the values.
    case noneOf(field: String, codes: [String: String])
    /// A code field (or the list of codes of a repeatable kind) must contain `code`, e.g. the unit took
    /// part in the 19/8 festival.
    case includes(field: String, code: String, label: String)

    enum CodingKeys: String, CodingKey {
        case type, field, label, minimum, maximum, numerator, denominator, percent, codes, code
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "yes":
            self = .yes(
                field: try container.decode(String.self, forKey: .field),
                label: try container.decode(String.self, forKey: .label))
        case "at_least":
            self = .atLeast(
                field: try container.decode(String.self, forKey: .field),
                minimum: try container.decode(Int.self, forKey: .minimum),
                label: try container.decode(String.self, forKey: .label)
            )
        case "at_most":
            self = .atMost(
                field: try container.decode(String.self, forKey: .field),
                maximum: try container.decode(Int.self, forKey: .maximum),
                label: try container.decode(String.self, forKey: .label)
            )
        case "share_at_least":
            self = .shareAtLeast(
                numerator: try container.decode(String.self, forKey: .numerator),
                denominator: try container.decode(String.self, forKey: .denominator),
                percent: try container.decode(Double.self, forKey: .percent),
                label: try container.decode(String.self, forKey: .label)
            )
        case "none_of":
            self = .noneOf(
                field: try container.decode(String.self, forKey: .field),
                codes: try container.decode([String: String].self, forKey: .codes))
        case "includes":
            self = .includes(
                field: try container.decode(String.self, forKey: .field),
                code: try container.decode(String.self, forKey: .code),
                label: try container.decode(String.self, forKey: .label))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription:
                    "unknown rule type \(type); known: yes, at_least, at_most, share_at_least, none_of, includes"
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .yes(let field, let label):
            try container.encode("yes", forKey: .type)
            try container.encode(field, forKey: .field)
            try container.encode(label, forKey: .label)
        case .atLeast(let field, let minimum, let label):
            try container.encode("at_least", forKey: .type)
            try container.encode(field, forKey: .field)
            try container.encode(minimum, forKey: .minimum)
            try container.encode(label, forKey: .label)
        case .atMost(let field, let maximum, let label):
            try container.encode("at_most", forKey: .type)
            try container.encode(field, forKey: .field)
            try container.encode(maximum, forKey: .maximum)
            try container.encode(label, forKey: .label)
        case .shareAtLeast(let numerator, let denominator, let percent, let label):
            try container.encode("share_at_least", forKey: .type)
            try container.encode(numerator, forKey: .numerator)
            try container.encode(denominator, forKey: .denominator)
            try container.encode(percent, forKey: .percent)
            try container.encode(label, forKey: .label)
        case .noneOf(let field, let codes):
            try container.encode("none_of", forKey: .type)
            try container.encode(field, forKey: .field)
            try container.encode(codes, forKey: .codes)
        case .includes(let field, let code, let label):
            try container.encode("includes", forKey: .type)
            try container.encode(field, forKey: .field)
            try container.encode(code, forKey: .code)
            try container.encode(label, forKey: .label)
        }
    }

    /// The rule's `type` in a data file.
    public var typeName: String {
        switch self {
        case .yes: "yes"
        case .atLeast: "at_least"
        case .atMost: "at_most"
        case .shareAtLeast: "share_at_least"
        case .noneOf: "none_of"
        case .includes: "includes"
        }
    }

    /// The `data` fields the rule reads.
    public var fields: [String] {
        switch self {
        case .yes(let field, _), .atLeast(let field, _, _), .atMost(let field, _, _), .noneOf(let field, _),
            .includes(let field, _, _):
            [field]
        case .shareAtLeast(let numerator, let denominator, _, _): [numerator, denominator]
        }
    }
}
