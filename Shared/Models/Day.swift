import Foundation

/// A calendar day (Vietnam's calendar date, no time zone): validity dates and evaluation windows.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A valid date, or `nil` (e.g. 2025-02-29).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...Self.length(of: month, in: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// A date known to be valid (the fixed dates of evaluation windows).
    fileprivate init(known year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public var description: String {
        let pad = { (value: Int, width: Int) in
            String(repeating: "0", count: max(0, width - String(value).count)) + String(value)
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Days since 1970-01-01 (negative before), for day arithmetic.
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The day `dayNumber` days after 1970-01-01 (years 1–9999).
    public init?(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    /// The day `count` days later (earlier when negative); `nil` outside years 1–9999.
    public func adding(days count: Int) -> Day? { Day(dayNumber: dayNumber + count) }

    /// ISO weekday: 1 Monday … 7 Sunday.
    public var weekday: Int { ((dayNumber % 7 + 7) % 7 + 3) % 7 + 1 }

    /// The day in Vietnam (Asia/Ho_Chi_Minh: UTC+7 all year, no daylight saving) at `instant`.
    /// Arithmetic, not a Calendar: subscribers call it for every submission they apply.
    public static func today(at instant: Date = Date()) -> Day? {
        let seconds = Int((instant.timeIntervalSince1970 + 7 * 3600).rounded(.down))
        return Day(dayNumber: Int((Double(seconds) / 86_400).rounded(.down)))
    }

    /// `07:05 ngày 25/11/2026`: the time in Vietnam at `instant`, as a Vietnamese reader writes it.
    public static func vietnameseTime(at instant: Date = Date()) -> String {
        let seconds = Int((instant.timeIntervalSince1970 + 7 * 3600).rounded(.down))
        let secondOfDay = ((seconds % 86_400) + 86_400) % 86_400
        let minute = secondOfDay / 60 % 60
        let day = today(at: instant)?.vietnamese ?? ""
        let hour = secondOfDay / 3600
        return "\(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute) ngày \(day)"
    }

    /// The day in Vietnam of a stored time (`2025-11-20T17:30:00.000Z`, UTC as every stored time is).
    public static func inVietnam(utcTimestamp timestamp: String) -> Day? {
        let utf8 = Array(timestamp.utf8)
        guard utf8.count >= 20, utf8[10] == UInt8(ascii: "T"), utf8.last == UInt8(ascii: "Z"),
            let date = Day(String(decoding: utf8[0..<10], as: UTF8.self)),
            let hour = Int(String(decoding: utf8[11..<13], as: UTF8.self)), (0..<24).contains(hour)
        else { return nil }
        return hour >= 17 ? date.adding(days: 1) : date
    }

    /// `d/m/yyyy`, as Vietnamese documents write dates.
    public var vietnamese: String { "\(day)/\(month)/\(year)" }

    public static func < (lhs: Day, rhs: Day) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    private static func length(of month: Int, in year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension Day: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let day = Day(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(text) is not a date YYYY-MM-DD")
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Period {
    /// The days the period covers for a unit of `kind` (Circular 124/2021/TT-BCA, art. 8): a year `Y`
    /// is 1/11/(Y−1)–31/10/Y for residential areas and 16/11/(Y−1)–15/11/Y for the others; a half
    /// year is its calendar half.
    public func window(for kind: UnitKind) -> ClosedRange<Day> {
        func day(_ year: Int, _ month: Int, _ day: Int) -> Day { Day(known: year, month, day) }
        switch half {
        case 1: return day(year, 1, 1)...day(year, 6, 30)
        case 2: return day(year, 7, 1)...day(year, 12, 31)
        default:
            return kind == .residentialArea
                ? day(year - 1, 11, 1)...day(year, 10, 31) : day(year - 1, 11, 16)...day(year, 11, 15)
        }
    }
}
