import Foundation
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Debian's headless Chromium, run as a process the way a person's browser would load a page:
/// `scripts/test` installs it. Each call is one browser run with its own profile directory.
struct Chromium {
    let executable: URL
    let profile: URL

    /// The installed browser; a test fails with the way to get it when it is missing.
    init(profile: URL) throws {
        let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
        executable = URL(fileURLWithPath: try #require(found, "no Chromium: scripts/test installs Debian's chromium"))
        self.profile = profile
    }

    /// What one run printed: the page's DOM (for `--dump-dom`) and the console messages it logged.
    struct Run {
        let status: Int32
        let output: String
        /// `CONSOLE` lines of Chromium's log: every console message and uncaught error of the page.
        let console: [String]
    }

    /// Loads `url` with `arguments` (`--dump-dom`, `--screenshot=FILE`, `--print-to-pdf=FILE`).
    func run(_ url: String, _ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                "--user-data-dir=\(profile.path)", "--enable-logging=stderr", "--v=0", "--window-size=1280,2000",
                "--virtual-time-budget=5000",
            ] + arguments + [url]
        let output = Pipe()
        let log = profile.appendingPathComponent("chromium-\(UUID().uuidString.prefix(6)).log")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        // A browser that hangs must not hang the suite: stopped after a minute, the run then fails.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        let dom = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        let lines = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return Run(
            status: process.terminationStatus, output: String(decoding: dom, as: UTF8.self),
            console: lines.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init))
    }
}

/// A plain HTTP GET on loopback.
func httpGet(_ url: String) async throws -> (status: Int, contentType: String, body: Data) {
    let (data, response) = try await URLSession.shared.data(from: try #require(URL(string: url)))
    let http = try #require(response as? HTTPURLResponse)
    return (http.statusCode, http.value(forHTTPHeaderField: "Content-Type") ?? "", data)
}

/// A GET's body, for synchronous tests (`curl`-like; fails on a status other than 200).
func httpGetSync(_ url: String) throws -> Data {
    let result = Mutex<Result<Data, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    let task = URLSession.shared.dataTask(with: try #require(URL(string: url))) { data, response, error in
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        result.withLock {
            $0 =
                if let data, status == 200 { .success(data) } else {
                    .failure(error ?? URLError(.badServerResponse, userInfo: ["status": status, "url": url]))
                }
        }
        done.signal()
    }
    task.resume()
    done.wait()
    return try #require(result.withLock { $0 }).get()
}
