import Foundation
import Models
import Testing

/// `antq explain` and `antq reevaluate` against real services.
@Suite("explain and reevaluate, real processes")
struct ExplainReevaluateTests {
    static func sample(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: TestSystem.packageRoot.appendingPathComponent("data/samples/\(name)")))
    }

    @Test("explain cites each criterion; after a new set version, reevaluate judges again and keeps the old result")
    func explainThenReevaluate() throws {
        // The workers read a copy of the criteria, so the test can add a version the way an operator does.
        let criteria = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "antq-criteria-\(UUID().uuidString.prefix(8))")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: TestSystem.criteriaPath), to: criteria)
        defer { try? FileManager.default.removeItem(at: criteria) }
        let system = try TestSystem("explain", criteria: criteria.path)
        let intake = try system.cluster.startIntake()
        let worker = try system.cluster.startWorker(id: "worker-1", intake: intake)
        let (reporting, notification) = try system.cluster.startSubscribers(following: [intake])
        let client = try system.client(intake, "submissions")
        let bodies = try [
            Self.sample("004-tri-phu-kdc01-self-assessment.json"),
            Self.sample("001-thuong-nong-kdc01-self-assessment.json"),
        ]
        let (outcomes, _) = try client.submitAll(bodies)
        #expect(outcomes.compactMap(\.receipt).count == 2)
        let expected = try system.expectedEvaluations(of: bodies)

        let unit = "TQ-CH-TRIPHU-KDC01"
        let endpoint = try #require(reporting.endpoints["query"])
        func explain() throws -> (status: Int32, output: String) {
            try TestSystem.antq(["explain", unit, "2025", "--reporting", endpoint, "--criteria", criteria.path])
        }
        #expect(try system.waitUntil { try explain().output.contains("TT124-KDC@1") })
        var (status, output) = try explain()
        #expect(status == 0)
        #expect(output.contains("Tri Phú") || output.contains(unit))
        #expect(output.contains("■ An toàn về an ninh, trật tự"))
        #expect(output.contains("CHƯA ĐẠT — bộ tiêu chí TT124-KDC@1"))
        #expect(output.contains("✗ TT124-KDC-1.3 — 100% hộ gia đình ở khu dân cư đăng ký"))
        #expect(output.contains("Chưa đạt: 87% hộ gia đình đăng ký (87/100), yêu cầu 100%"))
        #expect(output.contains("■ Điển hình về phong trào toàn dân bảo vệ an ninh Tổ quốc"))
        // A unit with no results in the period: exit 1 and a plain message.
        let none = try TestSystem.antq(["explain", unit, "2024", "--reporting", endpoint, "--criteria", criteria.path])
        #expect(none.status == 1)
        #expect(none.output.contains("Chưa có kết quả đánh giá nào"))

        // Version 2 of TT124-KDC lowers the household share to 85% (a made-up change for the test).
        let v1 = try String(contentsOf: criteria.appendingPathComponent("tt124-khu-dan-cu.v1.json"), encoding: .utf8)
        let v2 = v1.replacingOccurrences(of: "\"version\": \"1\"", with: "\"version\": \"2\"")
            .replacingOccurrences(of: "\"percent\": 100", with: "\"percent\": 85")
        #expect(v2 != v1)
        try v2.write(to: criteria.appendingPathComponent("tt124-khu-dan-cu.v2.json"), atomically: true, encoding: .utf8)
        #expect(try worker.terminate() == 0)
        try worker.start()

        let unknown = try TestSystem.antq([
            "reevaluate", "--criteria-set", "TT124-KDC@9", "--intake", try #require(intake.endpoints["submissions"]),
            "--criteria", criteria.path,
        ])
        #expect(unknown.status != 0)
        let reevaluation = try TestSystem.antq([
            "reevaluate", "--criteria-set", "TT124-KDC@2", "--period", "2025", "--intake",
            try #require(intake.endpoints["submissions"]), "--criteria", criteria.path,
        ])
        #expect(reevaluation.status == 0)
        #expect(reevaluation.output.contains("Đã xếp 2 báo cáo để đánh giá lại theo bộ tiêu chí TT124-KDC@2"))

        #expect(try system.waitUntil { try explain().output.contains("TT124-KDC@2") })
        (status, output) = try explain()
        #expect(output.contains("ĐẠT — bộ tiêu chí TT124-KDC@2"))
        #expect(output.contains("Đạt: 87% hộ gia đình đăng ký (87/100), yêu cầu 85%"))
        #expect(!output.contains("TT124-KDC@1"))

        // Both results reached the unit's inbox: the old one is kept, the new one added.
        let units = Set(TestSystem.units(of: bodies))
        #expect(try system.waitUntil { try system.allNotices(notification, units: units).count == expected + 2 })
        let notices = try system.allNotices(notification, units: units)
        let keys = notices.map(\.key)
        // A result notice lists what the unit must act on: the criteria not met, with their reasons.
        let failed = try #require(notices.first { $0.unit == unit && $0.key.hasSuffix(":TT124-KDC@1") })
        #expect(failed.title.hasSuffix("An toàn về an ninh, trật tự: CHƯA ĐẠT"))
        #expect(
            failed.body.contains("Các tiêu chí chưa đạt (1/5):\n- TT124-KDC-1.3: Chưa đạt: 87% hộ gia đình đăng ký"))
        let passed = try #require(notices.first { $0.unit == unit && $0.key.hasSuffix(":TT124-KDC@2") })
        #expect(passed.body.contains("Tất cả 5 tiêu chí đều đạt."))
        #expect(keys.contains { $0.hasSuffix(":TT124-KDC@1") } && keys.contains { $0.hasSuffix(":TT124-KDC@2") })
        // The reporting counts follow the newest version: both areas now "an toàn".
        let report = try JSONCoding.decode(
            Report.self,
            from: try system.client(reporting, "query").request(
                .report, body: JSONCoding.encode(ReportRequest(period: "2025"))
            ).body)
        #expect(report.rows.reduce(0) { $0 + $1.passed } == 2)
    }
}
