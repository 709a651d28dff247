import Models

/// One table of the consolidated report: a title, a header, rows and an optional total line.
public struct ReportSection: Sendable, Equatable {
    /// A stable name (`results`, `completeness`, `obligations`, `targets`, `indicators`), used as the
    /// HTML element's id.
    public let id: String
    public let title: String
    public let header: [String]
    public let rows: [[String]]
    public let total: [String]?
    /// Columns before this index are text (left-aligned); from it on, figures (right-aligned).
    public let firstFigure: Int

    public init(
        id: String, title: String, header: [String], rows: [[String]], total: [String]? = nil, firstFigure: Int
    ) {
        self.id = id
        self.title = title
        self.header = header
        self.rows = rows
        self.total = total
        self.firstFigure = firstFigure
    }
}

/// The official consolidated report of a period, in Vietnamese: the same sections whether it is
/// printed as text (`antq report`), HTML (print CSS, A4) or CSV (UTF-8 with BOM, for Excel).
public struct ReportDocument: Sendable {
    /// The classification levels of Decision 510/QĐ-BCA-V05, as the criteria files name them.
    public static let levelColumns = [
        (id: "xuat_sac", name: "Xuất sắc"), (id: "kha", name: "Khá"), (id: "trung_binh", name: "Trung bình"),
        (id: "yeu", name: "Yếu"),
    ]

    public let report: Report
    /// E.g. "BÁO CÁO TỔNG HỢP PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC — NĂM 2025".
    public let title: String
    public let sections: [ReportSection]

    public init(_ report: Report) {
        self.report = report
        let periodName = Period(report.period)?.vietnameseName ?? report.period
        title = "BÁO CÁO TỔNG HỢP PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC — \(periodName.uppercased())"
        sections = [
            Self.results(report), Self.comparison(report), Self.completeness(report), Self.obligations(report),
            Self.targets(report), Self.indicators(report),
        ].compactMap { $0 }
    }

    // MARK: - Sections

    /// Submissions and results by area and unit kind, with the province's total.
    static func results(_ report: Report) -> ReportSection {
        let header =
            ["Khu vực", "Loại đơn vị", "Đã nhận", "Đã đánh giá", "An toàn", "Chưa đạt", "Không áp dụng"]
            + levelColumns.map(\.name) + ["Điển hình"]
        func counts(_ row: ReportRow) -> [Int] {
            [row.received, row.evaluated, row.passed, row.failed, row.notApplicable]
                + levelColumns.map { row.levels[$0.id] ?? 0 } + [row.modelUnits]
        }
        let total = report.rows.reduce(into: Array(repeating: 0, count: header.count - 2)) { sums, row in
            for (index, count) in counts(row).enumerated() { sums[index] += count }
        }
        return ReportSection(
            id: "results", title: "KẾT QUẢ THEO KHU VỰC VÀ LOẠI ĐƠN VỊ", header: header,
            rows: report.rows.map {
                [$0.areaName, capitalized($0.unitKind.vietnameseName)] + counts($0).map(String.init)
            },
            total: ["Tổng cộng", ""] + total.map(String.init), firstFigure: 2)
    }

    /// Results beside the year before, by area: units "an toàn" (and their share of those judged),
    /// "điển hình" units, and the change.
    static func comparison(_ report: Report) -> ReportSection? {
        guard let rows = report.comparison, !rows.isEmpty, let year = Period(report.period)?.year else { return nil }
        func line(_ name: String, _ row: ComparisonRow) -> [String] {
            [
                name, "\(row.passed)", "\(row.previousPassed)", change(row.passed - row.previousPassed),
                percent(row.passed, of: row.judged), percent(row.previousPassed, of: row.previousJudged),
                "\(row.modelUnits)", "\(row.previousModelUnits)", change(row.modelUnits - row.previousModelUnits),
            ]
        }
        let total = rows.reduce(
            ComparisonRow(
                area: "", areaName: "", passed: 0, judged: 0, modelUnits: 0, previousPassed: 0, previousJudged: 0,
                previousModelUnits: 0)
        ) {
            ComparisonRow(
                area: "", areaName: "", passed: $0.passed + $1.passed, judged: $0.judged + $1.judged,
                modelUnits: $0.modelUnits + $1.modelUnits, previousPassed: $0.previousPassed + $1.previousPassed,
                previousJudged: $0.previousJudged + $1.previousJudged,
                previousModelUnits: $0.previousModelUnits + $1.previousModelUnits)
        }
        return ReportSection(
            id: "comparison", title: "SO SÁNH KẾT QUẢ VỚI NĂM \(year - 1)",
            header: [
                "Khu vực", "An toàn \(year)", "An toàn \(year - 1)", "Tăng, giảm", "Tỷ lệ \(year)", "Tỷ lệ \(year - 1)",
                "Điển hình \(year)", "Điển hình \(year - 1)", "Tăng, giảm",
            ],
            rows: rows.map { line($0.areaName, $0) }, total: line("Toàn tỉnh", total), firstFigure: 1)
    }

    /// "+2", "−1" (a true minus sign), "0".
    static func change(_ delta: Int) -> String { delta > 0 ? "+\(delta)" : delta < 0 ? "−\(-delta)" : "0" }

    /// Every obligation of the year together, by area: who reported on time, late or not at all.
    static func completeness(_ report: Report) -> ReportSection? {
        guard let rows = report.obligations, !rows.isEmpty else { return nil }
        let byArea = CompletenessByArea(rows)
        return ReportSection(
            id: "completeness", title: "TỶ LỆ BÁO CÁO ĐÚNG HẠN THEO KHU VỰC — NĂM \(report.period)",
            header: ["Khu vực", "Phải thực hiện", "Đúng hạn", "Muộn", "Chưa thực hiện", "Tỷ lệ đúng hạn"],
            rows: byArea.areas.map { area in
                [
                    area.name, "\(area.expected)", "\(area.onTime)", "\(area.late)", "\(area.missing)",
                    percent(area.onTime, of: area.expected),
                ]
            },
            total: [
                "Toàn tỉnh", "\(byArea.total.expected)", "\(byArea.total.onTime)", "\(byArea.total.late)",
                "\(byArea.total.missing)", percent(byArea.total.onTime, of: byArea.total.expected),
            ], firstFigure: 1)
    }

    /// Who reported each obligation of the year on time, late or not at all, summed over areas.
    static func obligations(_ report: Report) -> ReportSection? {
        guard let rows = report.obligations, !rows.isEmpty else { return nil }
        var order: [String] = []
        var totals: [String: (name: String, due: String, counts: [Int])] = [:]
        for row in rows {
            if totals[row.obligation] == nil {
                order.append(row.obligation)
                totals[row.obligation] = (row.name, row.due, [0, 0, 0, 0])
            }
            totals[row.obligation]?.counts[0] += row.expected
            totals[row.obligation]?.counts[1] += row.onTime
            totals[row.obligation]?.counts[2] += row.late
            totals[row.obligation]?.counts[3] += row.missing
        }
        return ReportSection(
            id: "obligations", title: "TIẾN ĐỘ THỰC HIỆN CÁC NỘI DUNG PHẢI BÁO CÁO — NĂM \(report.period)",
            header: ["Nội dung", "Hạn", "Phải thực hiện", "Đúng hạn", "Muộn", "Chưa thực hiện"],
            rows: order.compactMap { id in
                totals[id].map { [$0.name, Day($0.due)?.vietnamese ?? $0.due] + $0.counts.map(String.init) }
            }, firstFigure: 2)
    }

    /// Progress against the plan's targets of the year.
    static func targets(_ report: Report) -> ReportSection? {
        guard let targets = report.targets, !targets.isEmpty else { return nil }
        return ReportSection(
            id: "targets", title: "TIẾN ĐỘ THỰC HIỆN CHỈ TIÊU ĐIỂN HÌNH — NĂM \(report.period)",
            header: ["Chỉ tiêu", "Kết quả", "Số đơn vị", "Điển hình", "Tiến độ"],
            rows: targets.map { target in
                [
                    target.name, target.met ? "Đạt" : "Chưa đạt", "\(target.inScope)", "\(target.modelUnits)",
                    target.blocks.map { "\(target.blocksMet ?? 0)/\($0) khối đạt \(target.required) đơn vị" }
                        ?? "\(target.modelUnits)/\(target.required) đơn vị",
                ]
            }, firstFigure: 2)
    }

    /// The indicators of the period's reports, summed over the province, one line per indicator.
    static func indicators(_ report: Report) -> ReportSection? {
        guard let rows = report.indicators, !rows.isEmpty, let period = Period(report.period) else { return nil }
        let kind: SubmissionKind = period.half == nil ? .yearlyReport : .sixMonthlyReport
        var totals: [String: Int] = [:]
        for row in rows { totals.merge(row.values, uniquingKeysWith: Self.add) }
        let reports = rows.reduce(0) { $0 + $1.reports }
        return ReportSection(
            id: "indicators",
            title: "CÁC CHỈ TIÊU CỦA \(kind.vietnameseName.uppercased()) — \(reports) ĐƠN VỊ ĐÃ BÁO CÁO",
            header: ["Chỉ tiêu", "Tổng số"],
            rows: SubmissionSchema.fields(of: kind).filter { $0.type == .count }.map { field in
                [capitalized(field.label), "\(totals[field.name] ?? 0)"]
            }, firstFigure: 1)
    }

    // MARK: - Helpers

    /// Sums that stop at `Int.max` instead of trapping.
    static func add(_ left: Int, _ right: Int) -> Int {
        let (sum, overflow) = left.addingReportingOverflow(right)
        return overflow ? .max : sum
    }

    /// "xã" as "Xã".
    static func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    /// "87,5%" (Vietnamese decimal comma); "—" when nothing was expected. Never "100%" unless all
    /// of it: 1,999 of 2,000 is "99,9%", so that a reader does not take it for everyone.
    public static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "—" }
        var tenths = (part * 1000 + whole / 2) / whole
        if tenths == 1000 && part < whole { tenths = 999 }
        return tenths % 10 == 0 ? "\(tenths / 10)%" : "\(tenths / 10),\(tenths % 10)%"
    }
}

/// Completeness of every obligation together, per area and for the province (the dashboard's and
/// the report's view of who is behind).
public struct CompletenessByArea: Sendable {
    public struct Line: Sendable, Equatable {
        public let area: String
        public let name: String
        public var expected = 0
        public var onTime = 0
        public var late = 0
        public var missing = 0
    }

    /// One line per area, in the report's order.
    public let areas: [Line]
    public let total: Line

    public init(_ rows: [ObligationRow]) {
        var order: [String] = []
        var lines: [String: Line] = [:]
        var total = Line(area: "", name: "Toàn tỉnh")
        for row in rows {
            if lines[row.area] == nil {
                order.append(row.area)
                lines[row.area] = Line(area: row.area, name: row.areaName)
            }
            lines[row.area]?.expected += row.expected
            lines[row.area]?.onTime += row.onTime
            lines[row.area]?.late += row.late
            lines[row.area]?.missing += row.missing
            total.expected += row.expected
            total.onTime += row.onTime
            total.late += row.late
            total.missing += row.missing
        }
        areas = order.compactMap { lines[$0] }
        self.total = total
    }
}
