/// One thing wrong with a submission or request: the field, a stable machine-readable code and a
/// Vietnamese sentence for the person who sent it.
public struct Problem: Codable, Sendable, Equatable {
    /// The JSON path of the field, e.g. `data.households_total`; empty for the message as a whole.
    public let field: String
    public let code: ProblemCode
    /// What is wrong and what to do, in Vietnamese.
    public let message: String

    public init(field: String, code: ProblemCode, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }
}

/// Stable codes for problems; clients branch on these, never on the message text.
/// Documented in docs/protocol.md. New codes may be added; existing ones never change meaning.
public struct ProblemCode: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The body is not valid UTF-8 JSON.
    public static let malformedJSON = ProblemCode(rawValue: "malformed_json")
    /// The body (or `data`) is JSON but not an object.
    public static let notAnObject = ProblemCode(rawValue: "not_an_object")
    public static let missingField = ProblemCode(rawValue: "missing_field")
    public static let wrongType = ProblemCode(rawValue: "wrong_type")
    /// The field has the right type but a value outside what is allowed.
    public static let invalidValue = ProblemCode(rawValue: "invalid_value")
    public static let unknownField = ProblemCode(rawValue: "unknown_field")
    public static let unknownUnit = ProblemCode(rawValue: "unknown_unit")
    /// The unit did not exist during the period (merged away before it, or created after it).
    public static let unitNotInPeriod = ProblemCode(rawValue: "unit_not_in_period")
    /// The unit exists but does not send this kind of submission (a province or district).
    public static let unitCannotSubmit = ProblemCode(rawValue: "unit_cannot_submit")
    public static let unknownKind = ProblemCode(rawValue: "unknown_kind")
    public static let invalidPeriod = ProblemCode(rawValue: "invalid_period")
    /// A half-year period for a yearly kind, or the reverse.
    public static let periodKindMismatch = ProblemCode(rawValue: "period_kind_mismatch")
    public static let periodOutOfRange = ProblemCode(rawValue: "period_out_of_range")
    public static let tooLarge = ProblemCode(rawValue: "too_large")
    /// The submission id was used before with other content.
    public static let conflict = ProblemCode(rawValue: "conflict")
    /// `replaces` names a submission this intake node does not have.
    public static let replacedNotFound = ProblemCode(rawValue: "replaced_not_found")
    /// `replaces` names a submission of another unit, kind or period, or one already replaced.
    public static let replacedMismatch = ProblemCode(rawValue: "replaced_mismatch")
    /// The unit's period was signed off by its supervisor: nothing new until it is unlocked.
    public static let periodLocked = ProblemCode(rawValue: "period_locked")
    /// The reviewer does not supervise the unit (review and sign-off).
    public static let notSupervisor = ProblemCode(rawValue: "not_supervisor")
    /// A review step that does not follow from the current state (e.g. accepting a replaced version).
    public static let invalidTransition = ProblemCode(rawValue: "invalid_transition")
    /// More problems than a rejection lists; the ones listed come first in the body.
    public static let tooManyProblems = ProblemCode(rawValue: "too_many_problems")
}
