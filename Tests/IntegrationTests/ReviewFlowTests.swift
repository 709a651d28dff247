import Foundation
import Models
import Testing

/// Review and sign-off through real processes: intake, a worker, notification, and the `antq` CLI.
@Suite("review and sign-off, real processes")
struct ReviewFlowTests {
    static let unit = "TQ-CH-TRIPHU-KDC01"
    static let commune = "TQ-CH-TRIPHU"

    static func body(id: String, replaces: String? = nil, registered: Int) -> [UInt8] {
        let replacing = replaces.map { #""replaces": "\#($0)", "# } ?? ""
        return Array(
            #"""
            {"submission_id": "\#(id)", \#(replacing)"unit": "\#(unit)", "kind": "self_assessment", "period": "2025",
             "data": {"party_resolution_q1": true, "registered_q1": true, "households_total": 100,
                      "households_registered": \#(registered), "policy_implemented": true, "security_incidents": []}}
            """#.utf8)
    }

    @Test("send back with reasons, correct, accept, sign off (locks), a correction is refused, unlock, audit")
    func wholeFlow() throws {
        let system = try TestSystem("review")
        let intake = try system.cluster.startIntake()
        _ = try system.cluster.startWorker(id: "worker-1", intake: intake)
        let (_, notification) = try system.cluster.startSubscribers(following: [intake])
        let endpoint = try #require(intake.endpoints["submissions"])
        let client = try system.client(intake, "submissions")
        func antq(_ arguments: [String]) throws -> (status: Int32, output: String) {
            try TestSystem.antq(arguments + ["--intake", endpoint])
        }

        let (first, _) = try client.submitAll([Self.body(id: "rv-1", registered: 87)])
        #expect(first.first?.receipt?.version == 1)

        // Only a unit above it may review: the commune may, another commune may not, a reason is required.
        var step = try antq(["review", "send-back", "rv-1", "--reviewer", "TQ-CH-HUNGLOI", "--reason", "Thiếu số hộ"])
        #expect(step.status == 1)
        #expect(step.output.contains("[not_supervisor]"))
        step = try antq(["review", "send-back", "rv-1", "--reviewer", Self.commune, "--reason", " "])
        #expect(step.status == 1)
        #expect(step.output.contains("[missing_field] reason"))
        let reason = "Số hộ đăng ký (87/100) chưa khớp sổ theo dõi của xã; đề nghị rà soát lại."
        step = try antq(["review", "send-back", "rv-1", "--reviewer", Self.commune, "--reason", reason])
        #expect(step.status == 0, "\(step.output)")
        #expect(step.output.contains("Đã trả lại báo cáo"))
        // The same step again (a retry) gets the same answer, and records nothing new.
        step = try antq(["review", "send-back", "rv-1", "--reviewer", Self.commune, "--reason", reason])
        #expect(step.status == 0)
        // A sent-back submission cannot be accepted: the unit must correct it first.
        step = try antq(["review", "accept", "rv-1", "--reviewer", Self.commune])
        #expect(step.status == 1)
        #expect(step.output.contains("[invalid_transition]"))
        // Signing off with a submission not accepted is refused, naming it.
        step = try antq(["review", "sign-off", Self.unit, "2025", "--reviewer", Self.commune])
        #expect(step.status == 1)
        #expect(step.output.contains("rv-1"))

        let (second, _) = try client.submitAll([Self.body(id: "rv-2", replaces: "rv-1", registered: 100)])
        #expect(second.first?.receipt?.version == 2)
        step = try antq(["review", "accept", "rv-1", "--reviewer", Self.commune])
        #expect(step.status == 1)
        #expect(step.output.contains("đã được thay thế bởi “rv-2”"))
        step = try antq(["review", "accept", "rv-2", "--reviewer", "TQ-CH"])
        #expect(step.status == 0, "a district above the commune supervises too: \(step.output)")
        step = try antq(["review", "sign-off", Self.unit, "2025", "--reviewer", Self.commune])
        #expect(step.status == 0, "\(step.output)")

        // Locked: a correction is refused with period_locked and says who signed it off.
        let (locked, _) = try client.submitAll([Self.body(id: "rv-3", replaces: "rv-2", registered: 99)])
        let problem = try #require(locked.first?.rejection?.problems.first)
        #expect(problem.code == .periodLocked)
        #expect(problem.message.contains(Self.commune))
        step = try antq([
            "review", "unlock", Self.unit, "2025", "--reviewer", Self.commune, "--reason", "Xã phát hiện sai số liệu",
        ])
        #expect(step.status == 0, "\(step.output)")
        let (afterUnlock, _) = try client.submitAll([Self.body(id: "rv-3", replaces: "rv-2", registered: 99)])
        #expect(afterUnlock.first?.receipt?.version == 3)

        // Status shows the review state; the audit trail has every step, who, what, why, in order.
        let status = try JSONCoding.decode(
            SubmissionStatus.self,
            from: try client.request(.status, body: JSONCoding.encode(StatusRequest(submissionID: "rv-1"))).body)
        #expect(status.review == .sentBack)
        #expect(status.reviewReason == reason)
        let trail = try JSONCoding.decode(
            AuditTrail.self,
            from: try client.request(.audit, body: JSONCoding.encode(AuditRequest(unit: Self.unit, period: "2025")))
                .body)
        #expect(trail.records.map(\.action) == [.sendBack, .accept, .signOff, .unlock])
        #expect(trail.records.map(\.reviewer) == [Self.commune, "TQ-CH", Self.commune, Self.commune])
        #expect(trail.records[0].reason == reason)
        #expect(trail.records[3].reason == "Xã phát hiện sai số liệu")
        let printed = try antq(["audit", Self.unit, "2025"])
        #expect(
            printed.output.contains(
                "trả lại báo cáo: báo cáo rv-1 (lần 1) của \(Self.unit), bởi \(Self.commune), lý do: \(reason)"))

        // Every step reached the unit's inbox, the sent-back notice with its reason.
        #expect(
            try system.waitUntil {
                try system.allNotices(notification, units: [Self.unit], prefix: "review:").count
                    == 4
            })
        let notices = try system.allNotices(notification, units: [Self.unit], prefix: "review:")
        let sentBack = try #require(notices.first { $0.title == "Báo cáo bị trả lại, cần sửa" })
        #expect(sentBack.body.contains("Lý do: \(reason)"))
        #expect(sentBack.body.contains("“replaces”: “rv-1”"))
        #expect(notices.contains { $0.title == "Năm 2025 đã được ký xác nhận" })
    }
}
