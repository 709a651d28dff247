import Models
import Testing

@testable import ReportDocuments

/// The comparison with the year before: each area's "an toàn" and "điển hình" units, their change
/// and share, and the province's total.
@Suite("Report documents: comparison with the year before")
struct ComparisonTests {
    static let report = Report(
        period: "2025", rows: [],
        comparison: [
            ComparisonRow(
                area: "TQ-SD", areaName: "Huyện Sơn Dương", passed: 12, judged: 16, modelUnits: 3, previousPassed: 10,
                previousJudged: 16, previousModelUnits: 4),
            ComparisonRow(
                area: "TQ-NH", areaName: "Huyện Na Hang", passed: 5, judged: 5, modelUnits: 1, previousPassed: 5,
                previousJudged: 8, previousModelUnits: 0),
        ], positions: [:])

    @Test("a row per area and the province's line: counts, change with a true minus sign, shares")
    func section() throws {
        let section = try #require(ReportDocument(Self.report).sections.first { $0.id == "comparison" })
        #expect(section.title == "SO SÁNH KẾT QUẢ VỚI NĂM 2024")
        #expect(section.rows[0] == ["Huyện Sơn Dương", "12", "10", "+2", "75%", "62,5%", "3", "4", "−1"])
        #expect(section.rows[1] == ["Huyện Na Hang", "5", "5", "0", "100%", "62,5%", "1", "0", "+1"])
        #expect(section.total == ["Toàn tỉnh", "17", "15", "+2", "81%", "62,5%", "4", "4", "0"])
    }

    @Test("comes right after the results, and not at all without a comparison")
    func placement() {
        #expect(ReportDocument(Self.report).sections.map(\.id) == ["results", "comparison"])
        let none = Report(period: "2025-H1", rows: [], positions: [:])
        #expect(!ReportDocument(none).sections.contains { $0.id == "comparison" })
    }
}
