import Foundation
import Models

/// The plan's targets as data (`data/targets/*.json`): for a year, which units must become
/// "điển hình" — a share and/or a count of a scope of units, or at least N per block.
public struct TargetsFile: Codable, Sendable, Equatable {
    /// The plan's id, e.g. `tuyen-quang-2023-2025`.
    public let plan: String
    public let version: String
    public let source: String
    public let note: String?
    public let targets: [Target]

    /// Loads and checks a targets file; problems name the file and the target.
    public static func load(from url: URL) throws -> TargetsFile {
        let file: TargetsFile
        do { file = try JSONDecoder().decode(TargetsFile.self, from: Data(contentsOf: url)) } catch {
            throw TargetsError(problems: ["\(url.path): \(error)"])
        }
        var problems: [String] = []
        var ids: Set<String> = []
        for target in file.targets {
            let at = "\(url.path): target \(target.id)"
            if !ids.insert(target.id).inserted { problems.append("\(at) is defined twice") }
            if target.unitKinds.isEmpty { problems.append("\(at) names no unit_kinds") }
            if target.share == nil && target.count == nil && target.perBlock == nil {
                problems.append("\(at) needs share, count or per_block")
            }
            if let share = target.share, !(0...100).contains(share) { problems.append("\(at): share must be 0 to 100") }
        }
        guard problems.isEmpty else { throw TargetsError(problems: problems) }
        return file
    }

    /// Progress against the targets of `year`, given the units whose "điển hình" result is met.
    public func progress(year: Int, registry: UnitRegistry, modelUnits: Set<String>) -> [TargetRow] {
        let window = Period(year: year).window(for: .commune)
        return targets.filter { $0.year == year }.map { target in
            let scope = registry.allUnits.compactMap { registry.unit($0.id, during: window) }.filter { unit in
                target.unitKinds.contains(unit.kind) && (target.attribute.map { unit.attributes.contains($0) } ?? true)
                    && (target.parent.map { unit.parent == $0 } ?? true)
            }
            let achieved = scope.filter { modelUnits.contains($0.id) }.count
            if let perBlock = target.perBlock {
                let blocks = Dictionary(grouping: scope) { $0.block ?? "" }
                let reached = blocks.values.filter { units in
                    units.filter { modelUnits.contains($0.id) }.count >= perBlock
                }
                return TargetRow(
                    target: target.id, name: target.name, year: year, inScope: scope.count, modelUnits: achieved,
                    required: perBlock, blocks: blocks.count, blocksMet: reached.count,
                    met: !blocks.isEmpty && reached.count == blocks.count)
            }
            let byShare = target.share.map { Int((Double(scope.count) * $0 / 100).rounded(.up)) } ?? 0
            let required = max(byShare, min(target.count ?? 0, scope.count))
            return TargetRow(
                target: target.id, name: target.name, year: year, inScope: scope.count, modelUnits: achieved,
                required: required, met: achieved >= required)
        }
    }
}

/// One target: a year, a scope of units, and what must be "điển hình".
public struct Target: Codable, Sendable, Equatable {
    public let id: String
    public let year: Int
    public let name: String
    public let unitKinds: [UnitKind]
    /// Only units with this registry attribute (e.g. `new_rural`, `duong_van_minh`).
    public let attribute: String?
    /// Only units directly under this one (e.g. the province's blocks).
    public let parent: String?
    /// A percentage of the scope, rounded up.
    public let share: Double?
    /// At least this many (capped by the scope).
    public let count: Int?
    /// At least this many in every block of the scope.
    public let perBlock: Int?

    enum CodingKeys: String, CodingKey {
        case id, year, name, attribute, parent, share, count
        case unitKinds = "unit_kinds"
        case perBlock = "per_block"
    }
}

/// A targets file that cannot be used.
public struct TargetsError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { "invalid targets: " + problems.joined(separator: "; ") }
}
