/// What a submission is. Raw values are the wire names.
public enum SubmissionKind: String, Codable, Sendable, CaseIterable {
    /// Nghị quyết, đăng ký phấn đấu và kế hoạch (quý I).
    case registrationPlan = "registration_plan"
    /// Báo cáo 6 tháng.
    case sixMonthlyReport = "six_monthly_report"
    /// Báo cáo năm.
    case yearlyReport = "yearly_report"
    /// Tự đánh giá theo bộ tiêu chí.
    case selfAssessment = "self_assessment"

    /// The Vietnamese name a user reads.
    public var vietnameseName: String {
        switch self {
        case .registrationPlan: "đăng ký phấn đấu và kế hoạch"
        case .sixMonthlyReport: "báo cáo 6 tháng"
        case .yearlyReport: "báo cáo năm"
        case .selfAssessment: "tự đánh giá"
        }
    }

    /// Whether the kind reports on a half year (`2025-H1`) rather than a year (`2025`).
    public var isHalfYearly: Bool { self == .sixMonthlyReport }
}
