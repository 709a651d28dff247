import Foundation
import ServiceKit

/// One service executable run as a child process, with its own data directory and log file.
///
/// Used by `antq bench`, `scripts/run` and the integration tests: real processes on loopback.
public final class ManagedService {
    public let name: String
    public let executable: URL
    public let dataDirectory: URL
    public let logFile: URL
    /// Arguments besides `--data-directory`; endpoints are pinned after the first start so a restart keeps its ports.
    public private(set) var arguments: [String]
    public private(set) var process: Process?
    public private(set) var endpoints: [String: String] = [:]
    /// Endpoints every start waits for (reporting records `query` and `http` one after the other).
    public var expectedEndpoints: Set<String> = []
    /// The network namespace the process runs in (`ip netns exec`, which execs it: signals reach
    /// the service itself); `nil` for this process's own network.
    public let networkNamespace: String?

    init(
        name: String, executable: URL, dataDirectory: URL, logFile: URL, arguments: [String],
        networkNamespace: String? = nil
    ) {
        self.name = name
        self.executable = executable
        self.dataDirectory = dataDirectory
        self.logFile = logFile
        self.arguments = arguments
        self.networkNamespace = networkNamespace
    }

    /// Starts the process and waits until it has bound its endpoints (its `endpoints.json`).
    /// - Parameter expecting: endpoints to wait for besides ``expectedEndpoints`` (a service that binds
    ///   several listeners records them one at a time).
    @discardableResult
    public func start(timeout: Duration = .seconds(30), expecting: Set<String> = []) throws -> [String: String] {
        let expecting = expecting.union(expectedEndpoints)
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let endpointsFile = dataDirectory.appendingPathComponent("endpoints.json")
        try? FileManager.default.removeItem(at: endpointsFile)
        if !FileManager.default.fileExists(atPath: logFile.path) {
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: logFile)
        log.seekToEndOfFile()
        let process = Process()
        if let networkNamespace {
            process.executableURL = Self.ip
            process.arguments =
                ["netns", "exec", networkNamespace, executable.path] + arguments + [
                    "--data-directory", dataDirectory.path,
                ]
        } else {
            process.executableURL = executable
            process.arguments = arguments + ["--data-directory", dataDirectory.path]
        }
        process.standardError = log
        process.standardOutput = log
        try process.run()
        self.process = process
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            if let found = try? EndpointsFile.read(dataDirectory: dataDirectory.path),
                expecting.isSubset(of: found.keys)
            {
                endpoints = found
                return found
            }
            guard process.isRunning else {
                throw LaunchError(
                    "\(name) exited with status \(process.terminationStatus) while starting; see \(logFile.path)")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw LaunchError("\(name) did not bind its endpoints within \(timeout); see \(logFile.path)")
    }

    /// Replaces `flag`'s value (used to pin ports chosen by `:0` before a restart).
    public func pin(_ flag: String, to value: String) {
        if let index = arguments.firstIndex(of: flag), index + 1 < arguments.count {
            arguments[index + 1] = value
        } else {
            arguments += [flag, value]
        }
    }

    /// Pins `--http` to the port the last start got (its `http` endpoint), for restarts.
    public func pinHTTP() {
        if let http = endpoints["http"] { pin("--http", to: String(http.dropFirst("http://".count))) }
    }

    /// Sends SIGKILL: the process gets no chance to finish anything.
    public func kill() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Sends SIGTERM and waits for the exit; returns the exit status.
    @discardableResult
    public func terminate(timeout: Duration = .seconds(30)) throws -> Int32 {
        guard let process else { return 0 }
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGTERM) }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while process.isRunning && clock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
        guard !process.isRunning else {
            kill()
            throw LaunchError("\(name) did not stop within \(timeout) of SIGTERM; killed")
        }
        return process.terminationStatus
    }

    public var isRunning: Bool { process?.isRunning ?? false }

    /// iproute2's `ip`, wherever the system keeps it.
    public static let ip: URL = URL(
        fileURLWithPath: ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        } ?? "/usr/sbin/ip")
}

/// A whole system on loopback: intake, workers, reporting and notification as child processes,
/// each in its own directory under `root`, on ports libzmq chooses.
public final class LocalCluster {
    public let root: URL
    public let binDirectory: URL
    public let registry: String
    public let criteria: String
    /// Notification's obligations calendar and notice templates.
    public let calendar: String
    public let templates: String
    /// Reporting's targets file: `targets/tuyen-quang-2023-2025.v1.json` of the data directory.
    public let targets: String
    public private(set) var services: [ManagedService] = []
    /// The network namespace services started from now on run in (a host of a multi-host test);
    /// `nil` for this process's own network.
    public var networkNamespace: String?

    /// - Parameters:
    ///   - binDirectory: where the `antq-*` executables are (the build's products directory).
    ///   - root: a directory for data and logs.
    ///   - calendar, templates, targets: by default `calendar/tuyen-quang.v1.json`, `templates/notices.vi.json`
    ///     and `targets/tuyen-quang-2023-2025.v1.json`
    ///     of the data directory the registry is in (`data/units/…` → `data/`).
    public init(
        binDirectory: URL, root: URL, registry: String, criteria: String, calendar: String? = nil,
        templates: String? = nil, targets: String? = nil
    ) {
        self.binDirectory = binDirectory
        self.root = root
        self.registry = registry
        self.criteria = criteria
        let data = URL(fileURLWithPath: registry).deletingLastPathComponent().deletingLastPathComponent()
        self.calendar = calendar ?? data.appendingPathComponent("calendar/tuyen-quang.v1.json").path
        self.templates = templates ?? data.appendingPathComponent("templates/notices.vi.json").path
        self.targets = targets ?? data.appendingPathComponent("targets/tuyen-quang-2023-2025.v1.json").path
    }

    /// The directory of the running executable, where its sibling executables are.
    public static var executableDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    private func make(_ name: String, _ executable: String, _ arguments: [String]) -> ManagedService {
        let service = ManagedService(
            name: name, executable: binDirectory.appendingPathComponent(executable),
            dataDirectory: root.appendingPathComponent(name), logFile: root.appendingPathComponent("\(name).log"),
            arguments: arguments, networkNamespace: networkNamespace
        )
        services.append(service)
        return service
    }

    /// Starts an intake node; its ports are pinned for restarts.
    public func startIntake(nodeID: String = "intake-1", extra: [String] = []) throws -> ManagedService {
        let any = "tcp://127.0.0.1:0"
        let intake = make(
            nodeID, "antq-intake",
            [
                "--node-id", nodeID, "--registry", registry, "--submissions", any, "--work", any, "--publish", any,
                "--replay", any, "--http", "127.0.0.1:0",
            ] + (extra.contains("--curve-key") ? [] : ["--insecure-loopback"]) + extra)
        intake.expectedEndpoints = ["submissions", "http"]
        let endpoints = try intake.start()
        intake.pinHTTP()
        for (flag, key) in [
            ("--submissions", "submissions"), ("--work", "work"), ("--publish", "publish"), ("--replay", "replay"),
        ] {
            if let endpoint = endpoints[key] { intake.pin(flag, to: endpoint) }
        }
        return intake
    }

    /// Starts an evaluation worker for `intake`; its ports are pinned for restarts.
    public func startWorker(id: String, intake: ManagedService, extra: [String] = []) throws -> ManagedService {
        let any = "tcp://127.0.0.1:0"
        let worker = make(
            id, "antq-evaluation",
            [
                "--worker-id", id, "--intake", intake.endpoints["work"] ?? "", "--criteria", criteria,
                "--publish", any, "--replay", any, "--http", "127.0.0.1:0",
            ] + (extra.contains("--curve-key") ? [] : ["--insecure-loopback"]) + extra)
        worker.expectedEndpoints = ["publish", "http"]
        let endpoints = try worker.start()
        worker.pinHTTP()
        for (flag, key) in [("--publish", "publish"), ("--replay", "replay")] {
            if let endpoint = endpoints[key] { worker.pin(flag, to: endpoint) }
        }
        return worker
    }

    /// Starts a subscriber (`antq-reporting` or `antq-notification`) following `intakes`, as a CURVE
    /// client of `intakeKey` (a `.pub` file or key) when given.
    public func startSubscriber(
        _ executable: String, name: String, following intakes: [ManagedService], intakeKey: String? = nil,
        extra: [String] = []
    ) throws -> ManagedService {
        let sources = intakes.flatMap {
            [
                "--source",
                "\($0.endpoints["publish"] ?? ""),\($0.endpoints["replay"] ?? "")" + (intakeKey.map { ",\($0)" } ?? ""),
            ]
        }
        // Notification's and reporting's data files, unless `extra` names its own.
        let files: [(String, String)] =
            executable == "antq-notification"
            ? [("--calendar", calendar), ("--templates", templates)]
            : [("--calendar", calendar), ("--targets", targets)]
        let notification = files.filter { !extra.contains($0.0) }.flatMap { [$0.0, $0.1] }
        let plain = extra.contains("--curve-key") ? [] : ["--insecure-loopback"]
        let service = make(
            name, executable,
            ["--registry", registry, "--query", "tcp://127.0.0.1:0", "--http", "127.0.0.1:0"] + sources + notification
                + plain + extra)
        service.expectedEndpoints = ["query", "http"]
        let endpoints = try service.start()
        if let query = endpoints["query"] { service.pin("--query", to: query) }
        service.pinHTTP()
        return service
    }

    /// Starts reporting and notification following `intakes`.
    public func startSubscribers(
        following intakes: [ManagedService]
    ) throws -> (
        reporting: ManagedService, notification: ManagedService
    ) {
        (
            try startSubscriber("antq-reporting", name: "reporting", following: intakes),
            try startSubscriber("antq-notification", name: "notification", following: intakes)
        )
    }

    /// Stops every service still running (SIGTERM, then SIGKILL after the timeout).
    public func stopAll() {
        for service in services.reversed() { _ = try? service.terminate(timeout: .seconds(15)) }
    }
}

/// A service that could not be started or stopped as asked.
public struct LaunchError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
