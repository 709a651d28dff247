import Logging
import Synchronization

/// Keeps every message logged through its loggers, so a test can check which path the code took.
final class LogRecorder: Sendable {
    /// One logged message, its metadata flattened to text.
    struct Entry: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: [String: String]
    }

    private let storage = Mutex<[Entry]>([])

    /// A logger at `debug` that records here.
    func logger(_ label: String) -> Logger {
        Logger(label: label) { _ in RecordingLogHandler(recorder: self) }
    }

    /// The entries whose message is `message`, in the order logged.
    func entries(_ message: String) -> [Entry] {
        storage.withLock { entries in entries.filter { $0.message == message } }
    }

    fileprivate func record(_ entry: Entry) {
        storage.withLock { $0.append(entry) }
    }
}

/// The ``LogHandler`` behind ``LogRecorder/logger(_:)``.
private struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        recorder.record(
            LogRecorder.Entry(
                level: event.level, message: event.message.description, metadata: merged.mapValues { "\($0)" }
            ))
    }
}
