import ArgumentParser
import Client
import Foundation
import Models
import ZeroMQ

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Send submission files (JSON, one submission each) or directories of them to intake."
    )

    @Argument(help: "Files or directories (every *.json inside, in name order).") var paths: [String]
    @Option(help: "Intake's submissions endpoint.") var intake = "tcp://127.0.0.1:7101"
    @Option(help: "Requests in flight at once.") var window = 64
    @OptionGroup var client: ClientOptions

    func run() throws {
        let files = try Self.expand(paths)
        guard !files.isEmpty else { throw ValidationError("No .json files found in \(paths.joined(separator: ", ")).") }
        let bodies = try files.map { [UInt8](try Data(contentsOf: $0)) }
        let requester = try client.connect(intake)
        var bar = ProgressBar(total: bodies.count, label: "Đang gửi")
        let (outcomes, _) = try requester.submitAll(bodies, window: window) { bar.update($0) }
        var accepted = 0
        var refused = 0
        for (file, outcome) in zip(files, outcomes) {
            switch outcome {
            case .receipt(let receipt):
                accepted += 1
                print(
                    "✓ \(file.lastPathComponent): đã tiếp nhận \(receipt.key) (lần \(receipt.version), lúc \(receipt.acceptedAt))"
                )
            case .rejected(let rejection):
                refused += 1
                print("✗ \(file.lastPathComponent): bị từ chối")
                for problem in rejection.problems {
                    print(
                        "    [\(problem.code)] \(problem.field.isEmpty ? "" : problem.field + ": ")\(problem.message)")
                }
            case .failed(let reason):
                refused += 1
                print("✗ \(file.lastPathComponent): không gửi được: \(reason)")
            }
        }
        print("Tổng cộng: \(files.count) báo cáo, \(accepted) đã tiếp nhận, \(refused) không được tiếp nhận.")
        if refused > 0 { throw ExitCode.failure }
    }

    static func expand(_ paths: [String]) throws -> [URL] {
        var files: [URL] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("\(path) does not exist.")
            }
            if isDirectory.boolValue {
                let url = URL(fileURLWithPath: path)
                files += try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
                    .filter { $0.pathExtension == "json" }
                    .sorted { $0.lastPathComponent < $1.lastPathComponent }
            } else {
                files.append(URL(fileURLWithPath: path))
            }
        }
        return files
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show where a submission stands.")

    @Argument(help: "The submission id you gave it.") var submissionID: String
    @Option(help: "Intake's submissions endpoint.") var intake = "tcp://127.0.0.1:7101"
    @Flag(help: "Print the JSON answer.") var json = false
    @OptionGroup var client: ClientOptions

    func run() throws {
        guard
            let status = try client.ask(
                intake, .status, JSONCoding.encode(StatusRequest(submissionID: submissionID)), json: json,
                as: SubmissionStatus.self)
        else { return }
        let receipt = status.receipt
        print(
            "Báo cáo \(receipt.submissionID) (\(receipt.key)), đơn vị \(receipt.unit), \(receipt.kind.vietnameseName), kỳ \(receipt.period), lần \(receipt.version)"
        )
        print("  Tiếp nhận lúc: \(receipt.acceptedAt)")
        switch status.state {
        case .accepted: print("  Trạng thái: đã tiếp nhận, đang chờ đánh giá")
        case .evaluated: print("  Trạng thái: đã đánh giá lúc \(status.evaluatedAt ?? "?")")
        }
        if let newer = status.replacedBy { print("  Đã được thay thế bởi: \(newer)") }
    }
}

struct InboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox", abstract: "List a unit's notices, or acknowledge one (antq inbox ack UNIT KEY).",
        subcommands: [List.self, Acknowledge.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List a unit's notices.")

        @Argument(help: "The unit id, e.g. TQ-NH-THUONGNONG-KDC01.") var unit: String
        @Option(help: "Notification's query endpoint.") var notification = "tcp://127.0.0.1:7201"
        @Flag(help: "Print the JSON answer.") var json = false
        @OptionGroup var client: ClientOptions

        func run() throws {
            guard
                let inbox = try client.ask(
                    notification, .inbox, JSONCoding.encode(InboxRequest(unit: unit)), json: json, as: Inbox.self)
            else { return }
            if inbox.notices.isEmpty { print("Hộp thư của \(unit) chưa có thông báo.") }
            for notice in inbox.notices {
                let read = notice.acknowledgedAt.map { " (đã đọc \($0))" } ?? ""
                print("[\(notice.createdAt)] \(notice.title)\(read)")
                print("    mã: \(notice.key)")
                for line in notice.body.split(separator: "\n") { print("    \(line)") }
            }
        }
    }

    struct Acknowledge: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack", abstract: "Mark a notice read (its key is shown by antq inbox UNIT).")

        @Argument(help: "The unit id.") var unit: String
        @Argument(help: "The notice's key.") var key: String
        @Option(help: "Notification's query endpoint.") var notification = "tcp://127.0.0.1:7201"
        @OptionGroup var client: ClientOptions

        func run() throws {
            let requester = try client.connect(notification)
            let reply = try requester.request(.inboxAck, body: JSONCoding.encode(InboxAckRequest(unit: unit, key: key)))
            let notice = try JSONCoding.decode(Notice.self, from: reply.body)
            print("✓ Đã đánh dấu đã đọc lúc \(notice.acknowledgedAt ?? "?"): \(notice.title)")
        }
    }
}

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Write synthetic submissions (one JSON file each) for load tests."
    )

    @Option(help: "How many.") var count = 1000
    @Option(help: "Output directory.") var output: String
    @Option(help: "Unit registry file.") var registry = "data/units/tuyen-quang.json"
    @Option(help: "Prefix of the submission ids.") var tag = "synthetic"
    @Option(help: "Random seed.") var seed: UInt64 = 2025

    func run() throws {
        var generator = SyntheticSubmissions(
            registry: try UnitRegistry.load(from: URL(fileURLWithPath: registry)), runTag: tag, seed: seed
        )
        let directory = URL(fileURLWithPath: output)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for index in 0..<count {
            let (_, body) = generator.make(index)
            try Data(body).write(to: directory.appendingPathComponent(String(format: "%07d.json", index)))
        }
        print("Wrote \(count) submissions to \(output)")
    }
}
