import Models

/// Realistic synthetic submissions for load tests and benchmarks, drawn from a unit registry.
///
/// Deterministic for a given seed: residential areas send TT124 self-assessments (most pass; some
/// miss a household or report an incident), communes, wards, towns, agencies, enterprises and
/// schools send six-monthly and yearly reports with plausible indicators.
public struct SyntheticSubmissions {
    private var random: SplitMix64
    private let residentialAreas: [Unit]
    private let reporters: [Unit]
    private let runTag: String
    private let year: Int

    public init(registry: UnitRegistry, runTag: String, year: Int = 2025, seed: UInt64 = 2025) {
        random = SplitMix64(seed: seed)
        let units = registry.allUnits.filter(\.kind.submitsReports)
        residentialAreas = units.filter { $0.kind == .residentialArea }
        reporters = units.filter { $0.kind != .residentialArea }
        self.runTag = runTag
        self.year = year
    }

    /// The `index`-th submission body (JSON bytes) and its unit.
    public mutating func make(_ index: Int) -> (unit: String, body: [UInt8]) {
        let id = "\(runTag)-\(index)"
        if reporters.isEmpty || (!residentialAreas.isEmpty && random.next(100) < 70) {
            let unit = residentialAreas[random.next(residentialAreas.count)]
            let total = 40 + random.next(260)
            let roll = random.next(100)
            let registered = roll < 8 ? total - 1 - random.next(max(1, total / 5)) : total
            let incidents = roll >= 8 && roll < 12 ? "\"tranh_chap_khieu_kien_keo_dai\"" : ""
            let body = """
                {"submission_id":"\(id)","unit":"\(unit.id)","kind":"self_assessment","period":"\(year)",\
                "data":{"party_resolution_q1":true,"registered_q1":true,"households_total":\(total),\
                "households_registered":\(registered),"policy_implemented":\(roll != 99),"security_incidents":[\(incidents)],\
                "note":"Khu dân cư tự đánh giá theo Thông tư 124/2021/TT-BCA."}}
                """
            return (unit.id, Array(body.utf8))
        }
        let unit = reporters[random.next(reporters.count)]
        let halfYear = random.next(2) == 0
        let kind = halfYear ? "six_monthly_report" : "yearly_report"
        let period = halfYear ? "\(year)-H1" : "\(year)"
        let scale = halfYear ? 1 : 2
        let tips = random.next(30 * scale)
        let body = """
            {"submission_id":"\(id)","unit":"\(unit.id)","kind":"\(kind)","period":"\(period)",\
            "data":{"security_teams":\(1 + random.next(6)),"self_management_models":\(random.next(5)),\
            "mediation_teams":\(1 + random.next(4)),"tip_offs":\(tips),"cases_solved":\(tips == 0 ? 0 : random.next(tips + 1)),\
            "propaganda_sessions":\(2 + random.next(20 * scale)),"propaganda_participants":\(100 + random.next(2000 * scale)),\
            "households_committed":\(random.next(900)),"note":"Báo cáo kết quả thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc."}}
            """
        return (unit.id, Array(body.utf8))
    }
}

/// A small, fast, seedable generator (SplitMix64), so synthetic data is reproducible.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`.
    mutating func next(_ bound: Int) -> Int {
        Int(next() % UInt64(max(bound, 1)))
    }
}
