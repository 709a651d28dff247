import Foundation
import Models

/// Where notification reads today's date: the system clock (Vietnam's day), or a file holding a
/// day (`YYYY-MM-DD`) that a test or a rehearsal moves forward (`--clock-file`).
public enum NoticeClock: Sendable {
    case system
    case file(String)

    /// Today, or `nil` when the clock file is missing or does not hold a day.
    public func today() -> Day? {
        switch self {
        case .system:
            return Day.today()
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            return Day(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
