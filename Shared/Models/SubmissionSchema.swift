/// The fields each submission kind carries in `data` (docs/schemas/ has the same as JSON Schema).
public enum SubmissionSchema {
    /// Event codes of Circular 124/2021/TT-BCA criterion 3 for a residential area.
    public static let securityIncidentCodes: Set<String> = [
        "xam_pham_an_ninh_quoc_gia", "pha_hoai", "dao_trai_phap_luat", "loi_dung_ton_giao",
        "ly_khai_tu_tri", "tranh_chap_khieu_kien_keo_dai", "kich_dong_gay_roi",
    ]

    /// Kinds of movement models seed 004 names, and `khac` for any other.
    public static let modelTypeCodes: Set<String> = [
        "camera_an_ninh", "to_tu_quan_antt", "doan_hoi_lien_ket", "cum_tau_an_toan", "xom_chai_binh_yen",
        "diem_sang_vung_bien", "khac",
    ]

    /// The events each unit holds or joins every year (seed 004, III.2).
    public static let eventCodes: Set<String> = [
        "ngay_moi_truong_5_6", "thang_hanh_dong_phong_chong_ma_tuy", "ngay_phong_chong_ma_tuy_26_6",
        "ngay_phong_chong_mua_ban_nguoi_30_7", "ngay_hoi_toan_dan_bao_ve_antq_19_8", "thang_an_toan_giao_thong",
        "ngay_phong_chay_chua_chay_4_10",
    ]

    /// What an agency, enterprise or school must not let happen among its staff and students
    /// (seed 004, III.2): exploiting citizens' rights against the Party and State, gatherings,
    /// protests, petitions above the proper level, strikes; and no large fire.
    public static let unitIncidentCodes: Set<String> = [
        "tuyen_truyen_chong_dang_nha_nuoc", "kich_dong_tap_trung_dong_nguoi", "bieu_tinh_bao_loan",
        "khieu_kien_vuot_cap", "dinh_cong_lan_cong", "chay_lon",
    ]

    /// Forms of commendation proposed by the police with the Home Affairs department.
    public static let commendationCodes: Set<String> = ["co_thi_dua", "bang_khen", "giay_khen"]

    /// The fields of `kind` (built once: intake and the workers read them for every submission).
    public static func fields(of kind: SubmissionKind) -> [FieldSpec] { table[kind] ?? [] }

    private static let table: [SubmissionKind: [FieldSpec]] = Dictionary(
        uniqueKeysWithValues: SubmissionKind.allCases.map { ($0, makeFields(of: $0)) })

    /// The kinds whose counts are the movement's indicators, summed by area in the consolidated report.
    public static let indicatorKinds: Set<SubmissionKind> = [.sixMonthlyReport, .yearlyReport]

    /// The counts a six-monthly or yearly report gives (field → value); `nil` for other kinds.
    public static func indicators(of kind: SubmissionKind, in data: [String: JSONValue]) -> [String: Int]? {
        guard indicatorKinds.contains(kind) else { return nil }
        var indicators: [String: Int] = [:]
        for field in fields(of: kind) where field.type == .count {
            if let value = data[field.name]?.integer { indicators[field.name] = value }
        }
        return indicators
    }

    /// Each field's position in ``fields(of:)``, by name.
    public static func positions(of kind: SubmissionKind) -> [String: Int] { positionTable[kind] ?? [:] }

    private static let positionTable: [SubmissionKind: [String: Int]] = table.mapValues { specs in
        Dictionary(uniqueKeysWithValues: specs.enumerated().map { ($1.name, $0) })
    }

    private static func makeFields(of kind: SubmissionKind) -> [FieldSpec] {
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
        case .modelRegistration:
            [
                FieldSpec("model_name", "tên mô hình", .text(maxLength: 300), required: true),
                FieldSpec("model_type", "loại mô hình", .code(allowed: modelTypeCodes), required: true),
                FieldSpec("started_on", "ngày bắt đầu hoạt động", .date, required: true),
                FieldSpec("members", "số thành viên", .count),
                FieldSpec("note", "ghi chú", .text(maxLength: 2000)),
            ]
        case .modelReview:
            [
                FieldSpec("model_name", "tên mô hình", .text(maxLength: 300), required: true),
                FieldSpec("effective", "mô hình hoạt động hiệu quả", .boolean, required: true),
                FieldSpec("members", "số thành viên", .count),
                FieldSpec("cases_supported", "số vụ việc mô hình giúp phát hiện, giải quyết", .count),
                FieldSpec("note", "ghi chú", .text(maxLength: 2000)),
            ]
        case .eventParticipation:
            [
                FieldSpec("event", "sự kiện", .code(allowed: eventCodes), required: true),
                FieldSpec("held_on", "ngày tổ chức", .date, required: true),
                FieldSpec("organised", "đơn vị tự tổ chức (không chỉ tham gia)", .boolean, required: true),
                FieldSpec("participants", "số người tham gia", .count),
                FieldSpec("note", "ghi chú", .text(maxLength: 2000)),
            ]
        case .commendationProposal:
            [
                FieldSpec("form", "hình thức khen thưởng", .code(allowed: commendationCodes), required: true),
                FieldSpec("beneficiary", "tập thể, cá nhân được đề nghị", .text(maxLength: 300), required: true),
                FieldSpec("achievement", "thành tích", .text(maxLength: 4000), required: true),
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
                FieldSpec("plan_issued_q1", "kế hoạch thực hiện ban hành trong quý I", .boolean),
                FieldSpec("effective_models", "số mô hình phong trào hoạt động hiệu quả", .count),
                FieldSpec("police_disciplined", "số cán bộ công an xã bị xử lý kỷ luật", .count),
                FieldSpec("staff_total", "tổng số cán bộ, công chức, người lao động", .count),
                FieldSpec("staff_briefed", "số cán bộ, người lao động được phổ biến nội quy, quy chế", .count),
                FieldSpec("parents_board_coordination", "phối hợp với ban đại diện cha mẹ học sinh", .boolean),
                FieldSpec("school_violence_cases", "số vụ bạo lực học đường", .count),
                // Decision 510/QĐ-BCA-V05 (classification) and the model-unit criteria (seed 004, III).
                FieldSpec("reports_on_time", "tổ chức sơ kết, tổng kết và gửi báo cáo đúng thời hạn", .boolean),
                FieldSpec(
                    "coordination_plan", "kế hoạch, quy chế phối hợp với chính quyền, Công an và các lực lượng ở cơ sở",
                    .boolean),
                FieldSpec("staff_participating", "số cán bộ, người lao động tham gia phong trào", .count),
                FieldSpec(
                    "event_19_8_held",
                    "tổ chức hoặc tham gia Ngày hội toàn dân bảo vệ an ninh Tổ quốc (19/8)",
                    .boolean),
                FieldSpec("annual_events_held", "số ngày, tháng hành động hằng năm đã tổ chức hoặc hưởng ứng", .count),
                FieldSpec(
                    "conferences_held",
                    "số hội nghị tổng kết, triển khai công tác xây dựng phong trào (kể cả lồng ghép)",
                    .count),
                FieldSpec(
                    "themes_or_models_deployed",
                    "số chuyên đề, mô hình phong trào được sơ kết, tổng kết hoặc triển khai",
                    .count),
                FieldSpec("good_practices", "số cách làm hay, đổi mới, sáng tạo về xây dựng phong trào", .count),
                FieldSpec("propaganda_sessions", "số buổi tuyên truyền", .count),
                FieldSpec("steering_committee_consolidated", "Ban Chỉ đạo 138 được rà soát, kiện toàn", .boolean),
                FieldSpec("security_teams", "số tổ an ninh xung kích", .count),
                FieldSpec("self_management_models", "số mô hình tự quản", .count),
                FieldSpec("mediation_teams", "số tổ hòa giải", .count),
                FieldSpec(
                    "residence_and_id_managed", "đăng ký, quản lý cư trú và cấp, quản lý căn cước được thực hiện tốt",
                    .boolean),
                FieldSpec("population_data_clean", "dữ liệu dân cư bảo đảm “đúng, đủ, sạch, sống”", .boolean),
                FieldSpec("project_06_implemented", "thực hiện tốt Đề án 06", .boolean),
                FieldSpec("budget_allocated", "bố trí kinh phí xây dựng phong trào", .boolean),
                FieldSpec(
                    "staff_violations",
                    "số cán bộ, người lao động, học sinh, sinh viên vi phạm pháp luật hoặc bị xử lý kỷ luật",
                    .count),
                FieldSpec("state_secret_leaks", "số vụ lộ, mất bí mật nhà nước", .count),
                FieldSpec(
                    "party_members_degraded", "số đảng viên có biểu hiện “tự diễn biến”, “tự chuyển hóa”", .count),
                FieldSpec("entry_rules_and_guards", "nội quy ra vào trụ sở và lực lượng bảo vệ", .boolean),
                FieldSpec(
                    "fire_safety_compliant", "thực hiện quy định về phòng cháy, chữa cháy, cứu nạn, cứu hộ", .boolean),
                FieldSpec(
                    "weapons_rules_compliant", "quản lý, sử dụng vũ khí, vật liệu nổ, công cụ hỗ trợ đúng quy định",
                    .boolean),
                FieldSpec("targets_met", "hoàn thành chỉ tiêu, nhiệm vụ, kế hoạch sản xuất kinh doanh", .boolean),
                FieldSpec("taxes_paid", "hoàn thành nghĩa vụ nộp thuế", .boolean),
                FieldSpec(
                    "wages_and_insurance_paid", "không nợ lương, nợ bảo hiểm; thực hiện đầy đủ chế độ, chính sách",
                    .boolean),
                FieldSpec(
                    "unit_incidents", "các vụ việc về an ninh, trật tự đã xảy ra trong đơn vị",
                    .codes(allowed: unitIncidentCodes)),
                FieldSpec("crime_and_social_evil_cases", "số vụ phạm tội, tệ nạn xã hội xảy ra", .count),
                FieldSpec("note", "ghi chú", .text(maxLength: 4000)),
            ]
        }
    }
}
