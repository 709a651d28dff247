/// The fields each submission kind carries in `data` (docs/schemas/ has the same as JSON Schema).
public enum SubmissionSchema {
    /// Event codes of Circular 124/2021/TT-BCA criterion 3 for a residential area.
    public static let securityIncidentCodes: Set<String> = [
        "xam_pham_an_ninh_quoc_gia", "pha_hoai", "dao_trai_phap_luat", "loi_dung_ton_giao",
        "ly_khai_tu_tri", "tranh_chap_khieu_kien_keo_dai", "kich_dong_gay_roi",
    ]

    /// The fields of `kind`.
    public static func fields(of kind: SubmissionKind) -> [FieldSpec] {
        switch kind {
        case .registrationPlan:
            [
                FieldSpec("party_resolution", "nghị quyết chuyên đề của cấp ủy", .boolean, required: true),
                FieldSpec("registered", "đăng ký phấn đấu đạt chuẩn", .boolean, required: true),
                FieldSpec("plan_issued", "kế hoạch thực hiện", .boolean, required: true),
                FieldSpec("note", "ghi chú", .text(maxLength: 2000)),
            ]
        case .sixMonthlyReport, .yearlyReport:
            [
                FieldSpec("security_teams", "số tổ an ninh xung kích", .count),
                FieldSpec("self_management_models", "số mô hình tự quản", .count),
                FieldSpec("mediation_teams", "số tổ hòa giải", .count),
                FieldSpec("tip_offs", "số tin báo của quần chúng", .count),
                FieldSpec("cases_solved", "số vụ việc giải quyết từ tin báo", .count),
                FieldSpec("people_under_supervision", "số người được giám sát, giáo dục tại cộng đồng", .count),
                FieldSpec("weapons_collected", "số vũ khí, vật liệu nổ thu hồi", .count),
                FieldSpec("propaganda_sessions", "số buổi tuyên truyền", .count),
                FieldSpec("propaganda_participants", "số lượt người dự tuyên truyền", .count),
                FieldSpec("households_committed", "số hộ ký cam kết", .count),
                FieldSpec("note", "ghi chú", .text(maxLength: 4000)),
            ]
        case .selfAssessment:
            [
                FieldSpec("party_resolution_q1", "chi bộ có nghị quyết trong quý I", .boolean),
                FieldSpec("registered_q1", "đăng ký phấn đấu đạt tiêu chuẩn trong quý I", .boolean),
                FieldSpec("households_total", "tổng số hộ gia đình", .count),
                FieldSpec("households_registered", "số hộ gia đình đăng ký phấn đấu", .count),
                FieldSpec("policy_implemented", "thực hiện tốt chủ trương, chính sách về an ninh, trật tự", .boolean),
                FieldSpec(
                    "security_incidents", "các vụ việc về an ninh đã xảy ra", .codes(allowed: securityIncidentCodes)),
                FieldSpec("note", "ghi chú", .text(maxLength: 4000)),
            ]
        }
    }
}
