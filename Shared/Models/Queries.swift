/// A `report` request: the consolidated counts of one period.
public struct ReportRequest: Codable, Sendable, Equatable {
    public let period: String
    public init(period: String) { self.period = period }
}

/// One line of the consolidated report: a unit kind in an area.
public struct ReportRow: Codable, Sendable, Equatable {
    public let unitKind: UnitKind
    public let area: String
    public let areaName: String
    /// Submissions received (a submission and its corrections count once).
    public let received: Int
    /// Of those, evaluated in their latest version.
    public let evaluated: Int
    public let passed: Int
    public let failed: Int
    public let notApplicable: Int

    public init(
        unitKind: UnitKind, area: String, areaName: String, received: Int, evaluated: Int, passed: Int, failed: Int,
        notApplicable: Int
    ) {
        self.unitKind = unitKind
        self.area = area
        self.areaName = areaName
        self.received = received
        self.evaluated = evaluated
        self.passed = passed
        self.failed = failed
        self.notApplicable = notApplicable
    }

    enum CodingKeys: String, CodingKey {
        case area, received, evaluated, passed, failed
        case unitKind = "unit_kind"
        case areaName = "area_name"
        case notApplicable = "not_applicable"
    }
}

/// The `report.reply` body.
public struct Report: Codable, Sendable, Equatable {
    public let period: String
    public let rows: [ReportRow]
    /// Last sequence applied per producer when the report was read.
    public let positions: [String: UInt64]

    public init(period: String, rows: [ReportRow], positions: [String: UInt64]) {
        self.period = period
        self.rows = rows
        self.positions = positions
    }
}

/// An `inbox` request: a unit's notices.
public struct InboxRequest: Codable, Sendable, Equatable {
    public let unit: String
    public init(unit: String) { self.unit = unit }
}

/// A notice in a unit's inbox.
public struct Notice: Codable, Sendable, Equatable {
    /// Deterministic: the same fact never makes two notices.
    public let key: String
    public let unit: String
    public let title: String
    public let body: String
    public let createdAt: String

    public init(key: String, unit: String, title: String, body: String, createdAt: String) {
        self.key = key
        self.unit = unit
        self.title = title
        self.body = body
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case key, unit, title, body
        case createdAt = "created_at"
    }
}

/// The `inbox.reply` body.
public struct Inbox: Codable, Sendable, Equatable {
    public let unit: String
    public let notices: [Notice]
    public init(unit: String, notices: [Notice]) {
        self.unit = unit
        self.notices = notices
    }
}
