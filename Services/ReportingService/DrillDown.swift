import Models
import Obligations
import SQLStore

/// Whether one unit met one obligation of the calendar: on time, late, or not at all.
public struct UnitObligationStatus: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case onTime = "on_time"
        case late
        case missing
    }

    public let obligation: String
    public let name: String
    /// `YYYY-MM-DD`.
    public let due: String
    public let unit: String
    public let unitName: String
    public let unitKind: UnitKind
    public let area: String
    public let areaName: String
    public let status: Status
    /// The day in Vietnam intake accepted the submission that met it.
    public let metOn: String?

    enum CodingKeys: String, CodingKey {
        case obligation, name, due, unit, area, status
        case unitName = "unit_name"
        case unitKind = "unit_kind"
        case areaName = "area_name"
        case metOn = "met_on"
    }
}

/// A unit's standing for a year under one criteria set: the drill-down's summary line.
public struct SetStanding: Codable, Sendable, Equatable {
    public let criteriaSet: String
    public let judgement: String
    public let outcome: String
    public let level: String?
    public let points: Int?

    enum CodingKeys: String, CodingKey {
        case judgement, outcome, level, points
        case criteriaSet = "criteria_set"
    }
}

/// One unit as the drill-down shows it: who it is, how it stands under each set, what it owed.
public struct UnitStanding: Codable, Sendable, Equatable {
    public let unit: String
    public let name: String
    public let unitKind: UnitKind
    public let area: String
    public let areaName: String
    public let year: Int
    /// Submissions of the year's periods (a submission and its corrections count once).
    public let submissions: Int
    public let results: [SetStanding]
    public let obligations: [UnitObligationStatus]

    enum CodingKeys: String, CodingKey {
        case unit, name, area, year, submissions, results, obligations
        case unitKind = "unit_kind"
        case areaName = "area_name"
    }
}

/// The drill-down from an area to its units, and from a unit to each criterion (see ``ReportStore/results``).
extension ReportStore {
    /// Every unit of `area` that reports (as the registry stood in `year`), with its standing.
    static func units(
        of area: String, year: Int, registry: UnitRegistry, calendar: ObligationCalendar?, _ db: any SQLExecutor
    ) throws -> [UnitStanding] {
        let window = Period(year: year).window(for: .commune)
        let ids = registry.allUnits.filter { unit in
            unit.kind.submitsReports && registry.unit(unit.id, during: window) != nil
                && registry.area(of: unit.id, during: window) == area
        }.map(\.id)
        return try standings(ids, year: year, registry: registry, calendar: calendar, db)
    }

    /// The standing of each unit in `ids` for `year`, in that order.
    static func standings(
        _ ids: [String], year: Int, registry: UnitRegistry?, calendar: ObligationCalendar?, _ db: any SQLExecutor
    ) throws -> [UnitStanding] {
        guard !ids.isEmpty else { return [] }
        let wanted = Set(ids)
        var results: [String: [SetStanding]] = [:]
        var facts: [String: (kind: String, area: String)] = [:]
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
        for row in try db.fetchAll(
            """
            SELECT unit, unit_kind, area, criteria_set, judgement, outcome, level, points FROM report_result
            WHERE year = ? AND unit IN (\(placeholders))
            ORDER BY CASE judgement WHEN 'recognition' THEN 0 WHEN 'classification' THEN 1 ELSE 2 END, set_id
            """, [year.sqlValue] + ids.map(\.sqlValue))
        {
            guard let unit = row.string(0), let unitKind = row.string(1), let area = row.string(2) else { continue }
            results[unit, default: []].append(
                SetStanding(
                    criteriaSet: row.string(3) ?? "", judgement: row.string(4) ?? "", outcome: row.string(5) ?? "",
                    level: row.string(6), points: row.int(7)))
            facts[unit] = (unitKind, area)
        }
        var submissions: [String: Int] = [:]
        // Counted on the (unit, period) index alone; kind and area are read only for a unit the
        // registry does not know (reading them for every row took 165 ms for an area at 1,000,000).
        for row in try db.fetchAll(
            """
            SELECT unit, COUNT(*) FROM report_submission
            WHERE period IN (?, ?, ?) AND unit IN (\(placeholders)) GROUP BY unit
            """, ["\(year)", "\(year)-H1", "\(year)-H2"].map(\.sqlValue) + ids.map(\.sqlValue))
        {
            guard let unit = row.string(0) else { continue }
            submissions[unit] = row.int(1)
            guard facts[unit] == nil, registry?[unit] == nil,
                let first = try db.fetchOne(
                    "SELECT unit_kind, area FROM report_submission WHERE unit = ? AND period IN (?, ?, ?) LIMIT 1",
                    [unit, "\(year)", "\(year)-H1", "\(year)-H2"]),
                let unitKind = first.string(0), let area = first.string(1)
            else { continue }
            facts[unit] = (unitKind, area)
        }
        var owed: [String: [UnitObligationStatus]] = [:]
        if let calendar, let registry {
            for status in try obligationStatuses(year: year, calendar: calendar, registry: registry, db)
            where wanted.contains(status.unit) {
                owed[status.unit, default: []].append(status)
            }
        }
        let window = Period(year: year).window(for: .commune)
        return ids.compactMap { id in
            let unit = registry?.unit(id, during: window) ?? registry?[id]
            guard let kind = unit?.kind ?? facts[id].flatMap({ UnitKind(rawValue: $0.kind) }) else { return nil }
            let area = registry?.area(of: id, during: window) ?? facts[id]?.area ?? id
            return UnitStanding(
                unit: id, name: unit?.name ?? id, unitKind: kind, area: area, areaName: registry?[area]?.name ?? area,
                year: year, submissions: submissions[id] ?? 0, results: results[id] ?? [], obligations: owed[id] ?? [])
        }
    }
}
