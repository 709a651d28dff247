import Foundation
import Models
import Testing

/// `antq check` run as a real process on the sample drafts.
@Suite("antq check, real process")
struct CheckCommandTests {
    /// Runs `antq check ARGUMENTS` from the package root; returns the exit status and standard output.
    func check(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try TestSystem.antq(["check"] + arguments)
    }

    func sample(_ name: String) -> String {
        TestSystem.packageRoot.appendingPathComponent("data/samples/\(name)").path
    }

    @Test("a passing draft exits 0 and lists every criterion as met")
    func passing() throws {
        let (status, output) = try check([sample("001-thuong-nong-kdc01-self-assessment.json")])
        #expect(status == 0)
        #expect(output.contains("Đạt Tiêu chuẩn khu dân cư"))
        #expect(output.components(separatedBy: "✓ TT124-KDC").count - 1 == 5)
    }

    @Test("a failing draft exits 1 and cites the numbers and the source")
    func failing() throws {
        let (status, output) = try check([sample("004-tri-phu-kdc01-self-assessment.json")])
        #expect(status == 1)
        #expect(output.contains("✗ TT124-KDC-1.3: Chưa đạt: 87% hộ gia đình đăng ký (87/100), yêu cầu 100%"))
        #expect(output.contains("Thông tư 124/2021/TT-BCA"))
    }

    @Test("an invalid draft exits 2 and lists every problem with its code")
    func invalid() throws {
        let draft = FileManager.default.temporaryDirectory.appendingPathComponent(
            "antq-check-\(UUID().uuidString).json")
        try Data(#"{"unit":"TQ-NOWHERE","kind":"self_assessment","period":"2025-H1"}"#.utf8).write(to: draft)
        defer { try? FileManager.default.removeItem(at: draft) }
        let (status, output) = try check([draft.path])
        #expect(status == 2)
        for code in ["missing_field", "unknown_unit", "period_kind_mismatch"] { #expect(output.contains("[\(code)]")) }
    }

    @Test("--json prints the evaluations the workers would store, the an toàn set first")
    func json() throws {
        let (status, output) = try check(["--json", sample("002-thuong-nong-kdc02-self-assessment.json")])
        #expect(status == 1)
        let evaluations = try JSONDecoder().decode([Evaluation].self, from: Data(output.utf8))
        let evaluation = try #require(evaluations.first)
        #expect(evaluation.criteriaSet == "TT124-KDC@1")
        #expect(evaluation.judgement == .recognition)
        #expect(evaluation.outcome == .failed)
        #expect(evaluation.criteria.first { !$0.met }?.criterion == "TT124-KDC-3")
    }
}
