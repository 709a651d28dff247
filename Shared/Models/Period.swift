/// A reporting period: a year (`2025`) or a half year (`2025-H1`, `2025-H2`).
///
/// A year names the movement's evaluation window that ends in it (residential areas 1/11 of the
/// year before to 31/10; communes, agencies, enterprises and schools 16/11 to 15/11).
public struct Period: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let year: Int
    /// 1 or 2 for a half year, `nil` for a whole year.
    public let half: Int?

    public init(year: Int, half: Int? = nil) {
        self.year = year
        self.half = half
    }

    /// Parses `YYYY` or `YYYY-H1`/`YYYY-H2`; `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts[0].count == 4,
            parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), parts[0].first != "0", let year = Int(parts[0])
        else { return nil }
        if parts.count == 2 {
            guard parts[1] == "H1" || parts[1] == "H2" else { return nil }
            self.init(year: year, half: parts[1] == "H1" ? 1 : 2)
        } else {
            self.init(year: year)
        }
    }

    public var description: String {
        if let half { "\(year)-H\(half)" } else { "\(year)" }
    }

    /// The Vietnamese label a user reads, e.g. "6 tháng đầu năm 2025" or "năm 2025".
    public var vietnameseName: String {
        switch half {
        case 1: "6 tháng đầu năm \(year)"
        case 2: "6 tháng cuối năm \(year)"
        default: "năm \(year)"
        }
    }

    public static func < (lhs: Period, rhs: Period) -> Bool {
        (lhs.year, lhs.half ?? 3) < (rhs.year, rhs.half ?? 3)
    }
}
