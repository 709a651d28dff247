import Models
import ReportDocuments
import Testing

@Suite("Report documents")
struct ReportDocumentTests {
    // MARK: - Fixture

    static let city = "Thành phố Tuyên Quang"
    static let district = "Huyện Sơn Dương"

    /// A year's (or half year's) report over two areas, by hand. `secondArea` names the second area, so
    /// that a test can put characters in it that CSV or HTML must escape.
    static func report(
        period: String = "2025", secondArea: String = district, withCalendar: Bool = true
    ) -> Report {
        Report(
            period: period,
            rows: [
                ReportRow(
                    unitKind: .commune, area: "TP", areaName: city, received: 10, evaluated: 9, passed: 6, failed: 2,
                    notApplicable: 1, levels: ["xuat_sac": 2, "kha": 1], modelUnits: 1),
                ReportRow(
                    unitKind: .residentialArea, area: "TP", areaName: city, received: 40, evaluated: 38, passed: 30,
                    failed: 5, notApplicable: 3, levels: ["kha": 4, "trung_binh": 3, "yeu": 1], modelUnits: 2),
                ReportRow(
                    unitKind: .commune, area: "SD", areaName: secondArea, received: 20, evaluated: 20, passed: 15,
                    failed: 4, notApplicable: 1, levels: ["xuat_sac": 1, "trung_binh": 2], modelUnits: 0),
            ],
            obligations: withCalendar ? obligations(secondArea: secondArea) : nil,
            targets: withCalendar ? targets : nil,
            indicators: indicators(secondArea: secondArea),
            positions: ["intake": 42])
    }

    static func obligations(secondArea: String) -> [ObligationRow] {
        let half = (id: "bao_cao_6_thang", name: "Báo cáo 6 tháng đầu năm", due: "2025-06-15")
        let year = (id: "bao_cao_nam", name: "Báo cáo kết quả năm", due: "2025-11-15")
        return [
            ObligationRow(
                obligation: half.id, name: half.name, due: half.due, unitKind: .commune, area: "TP", areaName: city,
                expected: 3, onTime: 2, late: 1, missing: 0),
            ObligationRow(
                obligation: half.id, name: half.name, due: half.due, unitKind: .residentialArea, area: "TP",
                areaName: city, expected: 5, onTime: 5, late: 0, missing: 0),
            ObligationRow(
                obligation: half.id, name: half.name, due: half.due, unitKind: .commune, area: "SD",
                areaName: secondArea, expected: 4, onTime: 3, late: 0, missing: 1),
            ObligationRow(
                obligation: year.id, name: year.name, due: year.due, unitKind: .commune, area: "TP", areaName: city,
                expected: 3, onTime: 1, late: 1, missing: 1),
            ObligationRow(
                obligation: year.id, name: year.name, due: year.due, unitKind: .commune, area: "SD",
                areaName: secondArea, expected: 4, onTime: 4, late: 0, missing: 0),
        ]
    }

    static let targets = [
        TargetRow(
            target: "khoi_2025", name: "Mỗi khối có 2 đơn vị điển hình", year: 2025, inScope: 12, modelUnits: 5,
            required: 2, blocks: 3, blocksMet: 2, met: false),
        TargetRow(
            target: "xa_2025", name: "Xã điển hình", year: 2025, inScope: 20, modelUnits: 3, required: 2, met: true),
    ]

    static func indicators(secondArea: String) -> [IndicatorRow] {
        [
            IndicatorRow(
                unitKind: .commune, area: "TP", areaName: city, reports: 2,
                values: ["tip_offs": 5, "security_teams": 3]),
            IndicatorRow(
                unitKind: .residentialArea, area: "TP", areaName: city, reports: 3,
                values: ["tip_offs": 7, "security_teams": 1, "mediation_teams": 2]),
            IndicatorRow(
                unitKind: .commune, area: "SD", areaName: secondArea, reports: 1,
                values: ["tip_offs": 4, "households_committed": 100, "not_a_field": 9]),
        ]
    }

    static let issuer = "CÔNG AN TỈNH TUYÊN QUANG"
    static let generatedAt = "25/11/2025 17:30"

    static func section(_ id: String, of document: ReportDocument) throws -> ReportSection {
        try #require(document.sections.first { $0.id == id })
    }

    // MARK: - Sections

    @Test("a year's report has its sections in order: results, completeness, obligations, targets, indicators")
    func sectionsOfAYear() throws {
        let document = ReportDocument(Self.report())
        #expect(document.sections.map(\.id) == ["results", "completeness", "obligations", "targets", "indicators"])
        #expect(document.title == "BÁO CÁO TỔNG HỢP PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC — NĂM 2025")
        let indicators = try Self.section("indicators", of: document)
        #expect(indicators.title == "CÁC CHỈ TIÊU CỦA BÁO CÁO NĂM — 6 ĐƠN VỊ ĐÃ BÁO CÁO")
    }

    @Test("a half year's report without calendar or targets has only results and the six-monthly indicators")
    func sectionsOfAHalfYear() throws {
        let document = ReportDocument(Self.report(period: "2025-H1", withCalendar: false))
        #expect(document.sections.map(\.id) == ["results", "indicators"])
        #expect(document.title == "BÁO CÁO TỔNG HỢP PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC — 6 THÁNG ĐẦU NĂM 2025")
        let indicators = try Self.section("indicators", of: document)
        #expect(indicators.title.lowercased().contains("báo cáo 6 tháng"))
        #expect(!indicators.title.lowercased().contains("báo cáo năm"))
    }

    @Test("empty obligations and targets lists make no sections either")
    func emptyListsMakeNoSections() {
        let report = Report(
            period: "2025", rows: Self.report().rows, obligations: [], targets: [], indicators: [], positions: [:])
        #expect(ReportDocument(report).sections.map(\.id) == ["results"])
    }

    // MARK: - Results

    @Test("the results section has a row per area and unit kind, and a total line that sums each column")
    func resultsTotal() throws {
        let results = try Self.section("results", of: ReportDocument(Self.report()))
        #expect(
            results.header == [
                "Khu vực", "Loại đơn vị", "Đã nhận", "Đã đánh giá", "An toàn", "Chưa đạt", "Không áp dụng", "Xuất sắc",
                "Khá", "Trung bình", "Yếu", "Điển hình",
            ])
        #expect(results.firstFigure == 2)
        #expect(
            results.rows == [
                [Self.city, "Xã", "10", "9", "6", "2", "1", "2", "1", "0", "0", "1"],
                [Self.city, "Khu dân cư", "40", "38", "30", "5", "3", "0", "4", "3", "1", "2"],
                [Self.district, "Xã", "20", "20", "15", "4", "1", "1", "0", "2", "0", "0"],
            ])
        // By hand: received 10+40+20, evaluated 9+38+20, passed 6+30+15, failed 2+5+4, not applicable 1+3+1,
        // xuất sắc 2+0+1, khá 1+4+0, trung bình 0+3+2, yếu 0+1+0, điển hình 1+2+0.
        #expect(results.total == ["Tổng cộng", "", "70", "67", "51", "11", "5", "3", "5", "5", "1", "3"])
    }

    @Test("a report without rows has a results total of zeros")
    func resultsTotalOfNothing() throws {
        let results = try Self.section("results", of: ReportDocument(Report(period: "2025", rows: [], positions: [:])))
        #expect(results.rows.isEmpty)
        #expect(results.total == ["Tổng cộng", ""] + Array(repeating: "0", count: 10))
    }

    // MARK: - Completeness and obligations

    @Test("completeness sums every obligation by area and for the province")
    func completenessByArea() throws {
        let completeness = try Self.section("completeness", of: ReportDocument(Self.report()))
        #expect(completeness.title == "TỶ LỆ BÁO CÁO ĐÚNG HẠN THEO KHU VỰC — NĂM 2025")
        // Thành phố: expected 3+5+3, on time 2+5+1, late 1+0+1, missing 0+0+1; 8 of 11 = 72,727…%.
        // Sơn Dương: expected 4+4, on time 3+4, late 0, missing 1+0; 7 of 8.
        // Province: 19 expected, 15 on time (78,947…%), 2 late, 2 missing.
        #expect(
            completeness.rows == [
                [Self.city, "11", "8", "2", "1", "72,7%"],
                [Self.district, "8", "7", "0", "1", "87,5%"],
            ])
        #expect(completeness.total == ["Toàn tỉnh", "19", "15", "2", "2", "78,9%"])

        let byArea = CompletenessByArea(Self.obligations(secondArea: Self.district))
        #expect(byArea.areas.map(\.area) == ["TP", "SD"])
        #expect(byArea.areas.map(\.expected) == [11, 8])
        #expect(byArea.total.expected == 19 && byArea.total.onTime == 15)
        #expect(byArea.total.late == 2 && byArea.total.missing == 2)
    }

    @Test("obligations are summed over areas, one line each, with the due day written d/m/yyyy")
    func obligationsSummed() throws {
        let obligations = try Self.section("obligations", of: ReportDocument(Self.report()))
        #expect(
            obligations.rows == [
                ["Báo cáo 6 tháng đầu năm", "15/6/2025", "12", "10", "1", "1"],
                ["Báo cáo kết quả năm", "15/11/2025", "7", "5", "1", "1"],
            ])
    }

    @Test(
        "percent writes a Vietnamese decimal comma, rounds to a tenth, and a dash when nothing was expected",
        arguments: [
            (7, 8, "87,5%"), (8, 8, "100%"), (0, 0, "—"), (2, 3, "66,7%"), (1, 3, "33,3%"), (0, 5, "0%"),
            (1, 2, "50%"), (1, 16, "6,3%"), (15, 19, "78,9%"), (199, 200, "99,5%"), (1999, 2000, "99,9%"),
        ] as [(Int, Int, String)])
    func percent(part: Int, whole: Int, expected: String) {
        #expect(ReportDocument.percent(part, of: whole) == expected)
    }

    // MARK: - Targets

    @Test("targets show the result, and progress per block or in units")
    func targetsProgress() throws {
        let targets = try Self.section("targets", of: ReportDocument(Self.report()))
        #expect(
            targets.rows == [
                ["Mỗi khối có 2 đơn vị điển hình", "Chưa đạt", "12", "5", "2/3 khối đạt 2 đơn vị"],
                ["Xã điển hình", "Đạt", "20", "3", "3/2 đơn vị"],
            ])
    }

    // MARK: - Indicators

    @Test("indicators: one row per count field of the yearly report, summed over the rows, label capitalised")
    func indicatorsSummed() throws {
        let indicators = try Self.section("indicators", of: ReportDocument(Self.report()))
        let countFields = SubmissionSchema.fields(of: .yearlyReport).filter { $0.type == .count }
        try #require(countFields.count == indicators.rows.count)
        #expect(indicators.header == ["Chỉ tiêu", "Tổng số"])

        var sums: [String: Int] = [:]
        for row in Self.indicators(secondArea: Self.district) {
            for (name, value) in row.values { sums[name, default: 0] += value }
        }
        for (field, row) in zip(countFields, indicators.rows) {
            let label = field.label.prefix(1).uppercased() + field.label.dropFirst()
            #expect(row == [label, "\(sums[field.name] ?? 0)"], "field \(field.name)")
        }
        #expect(indicators.rows.contains(["Số tin báo của quần chúng", "16"]))
        #expect(indicators.rows.contains(["Số tổ an ninh xung kích", "4"]))
        #expect(indicators.rows.contains(["Số tổ hòa giải", "2"]))
        #expect(indicators.rows.contains(["Số hộ ký cam kết", "100"]))
        #expect(indicators.rows.contains(["Số buổi tuyên truyền", "0"]))
        #expect(!indicators.rows.contains { $0.contains("9") }, "a value for no field of the schema is not shown")
    }

    // MARK: - CSV

    @Test("CSV: a UTF-8 byte-order mark, CRLF lines, RFC 4180 quoting, and Vietnamese that round-trips")
    func csv() throws {
        let area = "Huyện \"Sơn Dương\", Tuyên Quang"
        let document = ReportDocument(Self.report(secondArea: area))
        let bytes = document.csv

        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let body = Array(bytes.dropFirst(3))
        #expect(body.prefix(3) != [0xEF, 0xBB, 0xBF], "one byte-order mark, not two")

        // Every line ends with CRLF: no bare LF, no bare CR, and the last line is ended too.
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")
        for (index, byte) in body.enumerated() {
            if byte == lf { #expect(index > 0 && body[index - 1] == cr, "bare LF at byte \(index)") }
            if byte == cr { #expect(index + 1 < body.count && body[index + 1] == lf, "bare CR at byte \(index)") }
        }
        #expect(body.suffix(2) == [cr, lf])

        let text = String(decoding: body, as: UTF8.self)
        #expect(Array(text.utf8) == body, "the bytes are valid UTF-8")
        #expect(!text.hasPrefix("\u{FEFF}"))
        #expect(text.contains("Tổng cộng"))
        #expect(text.contains(Self.city))

        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == document.title)
        let expectedLineCount =
            1 + document.sections.reduce(0) { $0 + 3 + $1.rows.count + ($1.total == nil ? 0 : 1) } + 1
        #expect(lines.count == expectedLineCount, "title, each section's blank, title, header, rows, total; final end")
        #expect(lines.last == "")

        let quoted = "\"Huyện \"\"Sơn Dương\"\", Tuyên Quang\""
        #expect(lines.contains("\(quoted),Xã,20,20,15,4,1,1,0,2,0,0"))
        // The rate itself holds a comma ("87,5%"), so it is quoted too.
        #expect(lines.contains("\(quoted),8,7,0,1,\"87,5%\""))
        #expect(lines.contains("Tổng cộng,,70,67,51,11,5,3,5,5,1,3"))
        #expect(lines.contains("Toàn tỉnh,19,15,2,2,\"78,9%\""))
        #expect(lines.contains("Thành phố Tuyên Quang,Khu dân cư,40,38,30,5,3,0,4,3,1,2"))
        #expect(!text.contains("Huyện \"Sơn Dương\", Tuyên Quang,"), "the area name never appears unquoted")
    }

    // MARK: - HTML

    @Test("HTML: one A4 page in Vietnamese, every section, escaped text, the issuer, no external assets")
    func html() throws {
        let area = "<script>alert(\"x\")</script> Sơn Dương & Co"
        let document = ReportDocument(Self.report(secondArea: area))
        let html = document.html(issuer: Self.issuer, generatedAt: Self.generatedAt)

        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<html lang=\"vi\">"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("@page { size: A4"))
        #expect(html.contains("id=\"results\""))
        #expect(html.contains(Self.issuer))
        #expect(html.contains(Self.generatedAt))
        #expect(html.contains("<h1>\(document.title)</h1>"))

        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Sơn Dương &amp; Co"))
        #expect(!html.contains("<script"), "the area name's markup is text, and the page has no script")
        #expect(!html.contains("http://"))
        #expect(!html.contains("https://"))

        // Every section, in the document's order.
        var rest = html[...]
        for section in document.sections {
            let marker = "<section id=\"\(section.id)\">"
            let found = try #require(rest.firstRange(of: marker), "section \(section.id) in order")
            rest = rest[found.upperBound...]
        }
        #expect(html.contains("<tfoot>\n<tr><td>Tổng cộng</td><td></td><td class=\"n\">70</td>"))
        #expect(html.hasSuffix("</html>\n"))
    }

    @Test("HTML escapes the issuer as well")
    func htmlEscapesIssuer() {
        let html = ReportDocument(Self.report()).html(issuer: "A & B <C>", generatedAt: "x")
        #expect(html.contains("A &amp; B &lt;C&gt;"))
        #expect(!html.contains("A & B <C>"))
    }

    // MARK: - Text

    @Test("text: the title first, then each section as a table with figures right-aligned")
    func text() throws {
        let document = ReportDocument(Self.report())
        let text = document.text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "BÁO CÁO TỔNG HỢP PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC — NĂM 2025")
        for section in document.sections { #expect(lines.contains(section.title)) }

        let start = try #require(lines.firstIndex(of: "KẾT QUẢ THEO KHU VỰC VÀ LOẠI ĐƠN VỊ"))
        try #require(lines.count > start + 8)
        let header = lines[start + 1]
        let rule = lines[start + 2]
        let firstRow = lines[start + 3]
        let thirdRow = lines[start + 5]
        let totalRule = lines[start + 6]
        let total = lines[start + 7]
        #expect(header.hasPrefix("Khu vực"))
        #expect(firstRow.hasPrefix(Self.city))
        #expect(thirdRow.hasPrefix(Self.district))
        #expect(total.hasPrefix("Tổng cộng"))
        #expect(rule.allSatisfy { $0 == "─" || $0 == " " })
        #expect(totalRule == rule)

        // Every line of the table is as long as the header, in Characters.
        for line in [rule, firstRow, thirdRow, total] { #expect(line.count == header.count, "\(line)") }

        // Figures end where their column's header ends: right-aligned.
        #expect(header.hasSuffix("Điển hình"))
        #expect(firstRow.hasSuffix(" 1"))
        #expect(total.hasSuffix(" 3"))
        let received = try #require(header.firstRange(of: "Đã nhận"))
        let end = header.distance(from: header.startIndex, to: received.upperBound)
        #expect(String(Array(firstRow)[(end - 3)..<end]) == " 10")
        #expect(String(Array(total)[(end - 3)..<end]) == " 70")
        // Text columns are left-aligned: the unit kind starts where its header starts.
        let kind = try #require(header.firstRange(of: "Loại đơn vị"))
        let kindStart = header.distance(from: header.startIndex, to: kind.lowerBound)
        #expect(String(Array(firstRow)[kindStart..<(kindStart + 3)]) == "Xã ")
    }
}
