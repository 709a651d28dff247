import ArgumentParser
import Client
import Foundation
import Models
import ZeroMQ

/// `antq review`: the supervising unit's steps, and `antq audit`: the trail they leave.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Accept or send back a submission, sign a unit's year off (locking it) or unlock it.",
        discussion: """
            The reviewer must be a unit above the reviewed unit in the registry, as the tree stood that year.
            A signed-off year refuses new submissions and corrections (code period_locked) until unlocked.
            Exit status 0 when the step is recorded, 1 when it is refused (the reasons are printed).
            """,
        subcommands: [Accept.self, SendBack.self, SignOff.self, Unlock.self]
    )

    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Accept a submission (its latest version).")
        @Argument(help: "The submission id.") var submissionID: String
        @OptionGroup var review: ReviewOptions
        func run() throws {
            try review.send(ReviewRequest(action: .accept, reviewer: review.reviewer, submissionID: submissionID))
        }
    }

    struct SendBack: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send-back", abstract: "Send a submission back to its unit, with the reasons to correct.")
        @Argument(help: "The submission id.") var submissionID: String
        @Option(help: "Why, in Vietnamese: what the unit must correct.") var reason: String
        @OptionGroup var review: ReviewOptions
        func run() throws {
            try review.send(
                ReviewRequest(action: .sendBack, reviewer: review.reviewer, submissionID: submissionID, reason: reason))
        }
    }

    struct SignOff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign-off", abstract: "Sign a unit's year off once all its submissions are accepted; locks it."
        )
        @Argument(help: "The unit id.") var unit: String
        @Argument(help: "The evaluation year, e.g. 2025.") var period: String
        @OptionGroup var review: ReviewOptions
        func run() throws {
            try review.send(ReviewRequest(action: .signOff, reviewer: review.reviewer, unit: unit, period: period))
        }
    }

    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Unlock a signed-off year, with a reason.")
        @Argument(help: "The unit id.") var unit: String
        @Argument(help: "The evaluation year, e.g. 2025.") var period: String
        @Option(help: "Why it is unlocked.") var reason: String
        @OptionGroup var review: ReviewOptions
        func run() throws {
            try review.send(
                ReviewRequest(action: .unlock, reviewer: review.reviewer, unit: unit, period: period, reason: reason))
        }
    }
}

/// The flags every review step takes.
struct ReviewOptions: ParsableArguments {
    @Option(help: "The supervising unit's id (who acts).") var reviewer: String
    @Option(help: "Intake's submissions endpoint.") var intake = "tcp://127.0.0.1:7101"
    @OptionGroup var client: ClientOptions

    func send(_ request: ReviewRequest) throws {
        let requester = try client.connect(intake)
        let reply = try requester.request(.review, body: JSONCoding.encode(request))
        if reply.type == .rejected {
            let rejection = try JSONCoding.decode(Rejection.self, from: reply.body)
            print("✗ Không thực hiện được: \(request.action.vietnameseName)")
            for problem in rejection.problems { print("    [\(problem.code)] \(problem.field): \(problem.message)") }
            throw ExitCode(1)
        }
        let record = try JSONCoding.decode(ReviewRecord.self, from: reply.body)
        print("✓ Đã \(record.action.vietnameseName): \(AuditCommand.line(record))")
    }
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Print the review steps recorded for a unit: who, when, what, why.")

    @Argument(help: "The unit id.") var unit: String
    @Argument(help: "Only this year, e.g. 2025.") var period: String?
    @Option(help: "Intake's submissions endpoint.") var intake = "tcp://127.0.0.1:7101"
    @Flag(help: "Print the JSON answer.") var json = false
    @OptionGroup var client: ClientOptions

    func run() throws {
        guard
            let trail = try client.ask(
                intake, .audit, JSONCoding.encode(AuditRequest(unit: unit, period: period)), json: json,
                as: AuditTrail.self)
        else { return }
        if trail.records.isEmpty { print("Chưa có bước xét duyệt nào của đơn vị \(unit).") }
        for record in trail.records {
            print("[\(record.recordedAt)] \(record.action.vietnameseName): \(Self.line(record))")
        }
    }

    /// One step in a line: subject, who, why.
    static func line(_ record: ReviewRecord) -> String {
        let subject =
            record.submissionID.map { "báo cáo \($0) (lần \(record.version ?? 1)) của \(record.unit)" }
            ?? "năm \(record.period) của \(record.unit)"
        return "\(subject), bởi \(record.reviewer)" + (record.reason.map { ", lý do: \($0)" } ?? "")
    }
}
