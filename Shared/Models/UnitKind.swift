/// What a participating unit is. Raw values are the wire and data-file names.
public enum UnitKind: String, Codable, Sendable, CaseIterable, Comparable {
    /// Tỉnh.
    case province
    /// Huyện, thành phố thuộc tỉnh (absent where the 2025 reorganisation removed districts).
    case district
    /// Xã.
    case commune
    /// Phường.
    case ward
    /// Thị trấn.
    case town
    /// Khu dân cư: thôn, bản, tổ dân phố.
    case residentialArea = "residential_area"
    /// Cơ quan.
    case agency
    /// Doanh nghiệp.
    case enterprise
    /// Cơ sở giáo dục.
    case school

    /// The Vietnamese name a user reads.
    public var vietnameseName: String {
        switch self {
        case .province: "tỉnh"
        case .district: "huyện, thành phố"
        case .commune: "xã"
        case .ward: "phường"
        case .town: "thị trấn"
        case .residentialArea: "khu dân cư"
        case .agency: "cơ quan"
        case .enterprise: "doanh nghiệp"
        case .school: "cơ sở giáo dục"
        }
    }

    /// Units that send their own submissions (the province and districts consolidate instead).
    public var submitsReports: Bool { self != .province && self != .district }

    public static func < (lhs: UnitKind, rhs: UnitKind) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}
