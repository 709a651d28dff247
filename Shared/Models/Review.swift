import Foundation

/// Review and sign-off: the supervising unit accepts a submission or sends it back with reasons,
/// then signs the unit's period off, which locks it until unlocked with a reason.
///
/// States of a submission version: `submitted` → `accepted` | `sent_back`; a correction of a sent-back
/// submission starts again at `submitted`. Every step is an audit record and a `review.recorded` event.
public enum ReviewAction: String, Codable, Sendable, CaseIterable {
    case accept
    case sendBack = "send_back"
    case signOff = "sign_off"
    case unlock

    /// What a user reads, e.g. in notices and the audit trail.
    public var vietnameseName: String {
        switch self {
        case .accept: "chấp nhận báo cáo"
        case .sendBack: "trả lại báo cáo"
        case .signOff: "ký xác nhận kỳ báo cáo"
        case .unlock: "mở khóa kỳ báo cáo"
        }
    }
}

/// Where a submission version stands in review.
public enum ReviewState: String, Codable, Sendable {
    case submitted
    case accepted
    case sentBack = "sent_back"
}

/// A `review` request to intake.
public struct ReviewRequest: Codable, Sendable, Equatable {
    public let action: ReviewAction
    /// The supervising unit's id (who acts).
    public let reviewer: String
    /// `accept` and `send_back`: the submission (its latest version).
    public let submissionID: String?
    /// `sign_off` and `unlock`: the unit and the evaluation year, e.g. `2025`.
    public let unit: String?
    public let period: String?
    /// Required for `send_back` and `unlock`.
    public let reason: String?

    public init(
        action: ReviewAction, reviewer: String, submissionID: String? = nil, unit: String? = nil,
        period: String? = nil, reason: String? = nil
    ) {
        self.action = action
        self.reviewer = reviewer
        self.submissionID = submissionID
        self.unit = unit
        self.period = period
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case action, reviewer, unit, period, reason
        case submissionID = "submission_id"
    }

    /// The longest reason kept, in Unicode code points (as submission texts are counted).
    public static let maximumReasonLength = 2000

    /// What is missing or malformed, in Vietnamese, before any state is read.
    public func shapeProblems() -> [Problem] {
        var problems: [Problem] = []
        if reviewer.isEmpty {
            problems.append(Problem(field: "reviewer", code: .missingField, message: "Thiếu mã đơn vị xét duyệt."))
        } else if reviewer.utf8.count > 100 {
            problems.append(
                Problem(field: "reviewer", code: .invalidValue, message: "Mã đơn vị xét duyệt dài quá 100 byte."))
        }
        switch action {
        case .accept, .sendBack:
            if (submissionID ?? "").isEmpty {
                problems.append(
                    Problem(field: "submission_id", code: .missingField, message: "Thiếu mã báo cáo cần xét duyệt."))
            }
        case .signOff, .unlock:
            if (unit ?? "").isEmpty {
                problems.append(Problem(field: "unit", code: .missingField, message: "Thiếu mã đơn vị."))
            }
            if period.flatMap(Period.init)?.half != nil || period.flatMap(Period.init) == nil {
                problems.append(
                    Problem(
                        field: "period", code: .invalidPeriod,
                        message: "Kỳ ký xác nhận phải là một năm đánh giá, ví dụ “2025”."))
            }
        }
        if action == .sendBack || action == .unlock {
            if (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                problems.append(
                    Problem(
                        field: "reason", code: .missingField,
                        message: action == .sendBack
                            ? "Trả lại báo cáo phải nêu lý do để đơn vị sửa." : "Mở khóa kỳ báo cáo phải nêu lý do."))
            }
        }
        if let reason, reason.unicodeScalars.count > Self.maximumReasonLength {
            problems.append(
                Problem(
                    field: "reason", code: .tooLarge,
                    message: "Lý do dài quá \(Self.maximumReasonLength) ký tự."))
        }
        return problems
    }
}

/// One review step as recorded: the `review.reply` body, the `review.recorded` event body and an
/// audit row. Who, when, what, why.
public struct ReviewRecord: Codable, Sendable, Equatable {
    public let action: ReviewAction
    public let reviewer: String
    public let unit: String
    /// The submission's period for `accept`/`send_back`, the evaluation year for `sign_off`/`unlock`.
    public let period: String
    public let submissionID: String?
    /// `<intake node>/<submission id>` of the version reviewed.
    public let submissionKey: String?
    public let version: Int?
    public let reason: String?
    public let recordedAt: String

    public init(
        action: ReviewAction, reviewer: String, unit: String, period: String, submissionID: String?,
        submissionKey: String?, version: Int?, reason: String?, recordedAt: String
    ) {
        self.action = action
        self.reviewer = reviewer
        self.unit = unit
        self.period = period
        self.submissionID = submissionID
        self.submissionKey = submissionKey
        self.version = version
        self.reason = reason
        self.recordedAt = recordedAt
    }

    enum CodingKeys: String, CodingKey {
        case action, reviewer, unit, period, version, reason
        case submissionID = "submission_id"
        case submissionKey = "submission_key"
        case recordedAt = "recorded_at"
    }
}

/// An `audit` request: the review steps recorded for `unit` (of one period, or all).
public struct AuditRequest: Codable, Sendable, Equatable {
    public let unit: String
    public let period: String?
    public init(unit: String, period: String? = nil) {
        self.unit = unit
        self.period = period
    }
}

/// The `audit.reply` body: every review step for the unit, oldest first.
public struct AuditTrail: Codable, Sendable, Equatable {
    public let unit: String
    public let records: [ReviewRecord]
    public init(unit: String, records: [ReviewRecord]) {
        self.unit = unit
        self.records = records
    }
}
