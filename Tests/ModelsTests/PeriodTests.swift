import Models
import Testing

@Suite("Period")
struct PeriodTests {
    @Test(
        "parses a year and both half years, and prints them back",
        arguments: [
            ("2025", 2025, nil), ("2025-H1", 2025, 1), ("2025-H2", 2025, 2), ("2021", 2021, nil),
        ] as [(String, Int, Int?)])
    func parse(text: String, year: Int, half: Int?) throws {
        let period = try #require(Period(text))
        #expect(period.year == year)
        #expect(period.half == half)
        #expect(period == Period(year: year, half: half))
        #expect(period.description == text)
    }

    @Test(
        "refuses anything but YYYY and YYYY-H1/H2",
        arguments: [
            "", "25", "20255", "2025-", "2025-H", "2025-H3", "2025-H0", "2025-h1", "2025-Q1", "2025-H1-H2", "-2025",
            "２０２５", "abcd", " 2025", "2025 ", "2025-1",
        ])
    func parse_refuses(text: String) {
        #expect(Period(text) == nil)
    }

    @Test("refuses a signed year written in four characters")
    func parse_refusesSignedYear() {
        #expect(Period("+202") == nil)
        #expect(Period("+202-H1") == nil)
    }

    @Test("Vietnamese names")
    func vietnameseName() {
        #expect(Period(year: 2025, half: 1).vietnameseName == "6 tháng đầu năm 2025")
        #expect(Period(year: 2025, half: 2).vietnameseName == "6 tháng cuối năm 2025")
        #expect(Period(year: 2025).vietnameseName == "năm 2025")
    }

    @Test("orders by year, and within a year the halves before the whole year")
    func ordering() throws {
        let texts = ["2025", "2024-H2", "2025-H2", "2024", "2025-H1", "2024-H1"]
        let sorted = texts.compactMap(Period.init).sorted().map(\.description)
        #expect(sorted == ["2024-H1", "2024-H2", "2024", "2025-H1", "2025-H2", "2025"])
        #expect(Period(year: 2024) < Period(year: 2025, half: 1))
    }
}
