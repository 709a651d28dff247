import Models
import Testing

@Suite("Submission")
struct SubmissionTests {
    @Test("content comparison for resends: key order and spacing do not matter, null members count as absent")
    func sameContentIgnoresNullMembers() throws {
        let original = try JSONParser.parse(bytes(#"{"a": 1, "data": {"x": true}}"#))
        let resent = try JSONParser.parse(bytes(#"{ "data" : {"x": true, "y": null}, "a": 1, "replaces": null }"#))
        let changed = try JSONParser.parse(bytes(#"{"a": 1, "data": {"x": false}}"#))
        #expect(original.withoutNullMembers == resent.withoutNullMembers)
        #expect(original.withoutNullMembers != changed.withoutNullMembers)
        #expect(JSONValue.array([.null]).withoutNullMembers == .array([.null]))
    }

    @Test("only the six-monthly report is half-yearly, and every kind has a Vietnamese name")
    func kinds() {
        #expect(SubmissionKind.allCases.filter(\.isHalfYearly) == [.sixMonthlyReport])
        #expect(Set(SubmissionKind.allCases.map(\.vietnameseName)).count == SubmissionKind.allCases.count)
        #expect(SubmissionKind(rawValue: "six_monthly_report") == .sixMonthlyReport)
    }
}
