/// The three ways a unit is judged (domain.md).
public enum Judgement: String, Codable, Sendable, CaseIterable {
    /// "An toàn về an ninh, trật tự" (TT124): pass or fail, every criterion must be met.
    case recognition
    /// Classification (QĐ510): points per criterion, a level from the total.
    case classification
    /// "Điển hình" model unit (QĐ9745, seed 004 §III): every criterion must be met.
    case modelUnit = "model_unit"

    /// What a user reads, e.g. in `antq explain`.
    public var vietnameseName: String {
        switch self {
        case .recognition: "công nhận “An toàn về an ninh, trật tự”"
        case .classification: "đánh giá, phân loại phong trào"
        case .modelUnit: "đơn vị điển hình về phong trào toàn dân bảo vệ an ninh Tổ quốc"
        }
    }
}
