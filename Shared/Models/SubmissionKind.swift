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
    /// Đăng ký mô hình phong trào.
    case modelRegistration = "model_registration"
    /// Sơ kết, đánh giá hiệu quả mô hình.
    case modelReview = "model_review"
    /// Tổ chức, tham gia sự kiện (5/6, tháng 6, 26/6, 30/7, 19/8, tháng 9, 4/10).
    case eventParticipation = "event_participation"
    /// Đề nghị khen thưởng.
    case commendationProposal = "commendation_proposal"

    /// The Vietnamese name a user reads.
    public var vietnameseName: String {
        switch self {
        case .registrationPlan: "đăng ký phấn đấu và kế hoạch"
        case .sixMonthlyReport: "báo cáo 6 tháng"
        case .yearlyReport: "báo cáo năm"
        case .selfAssessment: "tự đánh giá"
        case .modelRegistration: "đăng ký mô hình"
        case .modelReview: "sơ kết mô hình"
        case .eventParticipation: "tham gia sự kiện"
        case .commendationProposal: "đề nghị khen thưởng"
        }
    }

    /// Whether the kind reports on a half year (`2025-H1`) rather than a year (`2025`).
    public var isHalfYearly: Bool { self == .sixMonthlyReport }

    /// Whether a unit sends many of this kind a year (one per model, event, proposal) rather than one
    /// (with corrections): criteria read their code fields together, as a list.
    public var isRepeatable: Bool {
        switch self {
        case .modelRegistration, .modelReview, .eventParticipation, .commendationProposal: true
        case .registrationPlan, .sixMonthlyReport, .yearlyReport, .selfAssessment: false
        }
    }
}
