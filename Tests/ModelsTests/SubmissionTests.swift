import Models
import Testing

@Suite("Submission")
struct SubmissionTests {
    static func submission(data: [String: JSONValue] = ["households_total": .number(10)], body: String = "{}")
        -> Submission
    {
        Submission(
            submissionID: "s-1", unit: "U", kind: .selfAssessment, period: Period(year: 2025), replaces: nil,
            data: data,
            body: bytes(body)
        )
    }

    @Test("a resend with other whitespace has the same content; other data does not")
    func hasSameContent() {
        let original = Self.submission(body: #"{"a": 1}"#)
        #expect(original.hasSameContent(as: Self.submission(body: #"{ "a" : 1 }"#)))
        #expect(!original.hasSameContent(as: Self.submission(data: ["households_total": .number(11)])))
        #expect(
            !original.hasSameContent(
                as: Submission(
                    submissionID: "s-1", unit: "U", kind: .selfAssessment, period: Period(year: 2025, half: 1),
                    replaces: nil,
                    data: original.data, body: original.body
                )))
    }

    @Test("only the six-monthly report is half-yearly, and every kind has a Vietnamese name")
    func kinds() {
        #expect(SubmissionKind.allCases.filter(\.isHalfYearly) == [.sixMonthlyReport])
        #expect(Set(SubmissionKind.allCases.map(\.vietnameseName)).count == SubmissionKind.allCases.count)
        #expect(SubmissionKind(rawValue: "six_monthly_report") == .sixMonthlyReport)
    }
}
