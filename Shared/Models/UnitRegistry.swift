import Foundation

/// The unit tree of a province over time, loaded from a data file (`data/units/*.json`).
///
/// File shape: `{"registry": "tuyen-quang", "version": "2023.1", "units": [Unit, ...]}`. A unit may
/// appear several times with the same id and validity periods that do not overlap (a commune that
/// moved under the province when districts were removed in 2025); a period is judged against the
/// versions valid during it. Loading reports every problem: duplicate ids with overlapping validity,
/// unknown parents, successors or reporting units, a parent that is not valid while its child is, cycles, and
/// validity that ends before it starts; with the file's line numbers when read from a file.
public struct UnitRegistry: Sendable {
    public let name: String
    public let version: String
    /// Every version of every unit, by id, oldest first.
    private let versions: [String: [Unit]]

    /// The latest version of every unit, in id order.
    public var allUnits: [Unit] { versions.keys.sorted().compactMap { versions[$0]?.last } }

    /// The latest version of a unit.
    public subscript(id: String) -> Unit? { versions[id]?.last }

    /// The latest version of a unit valid on some day of `window`, if any.
    public func unit(_ id: String, during window: ClosedRange<Day>) -> Unit? {
        versions[id]?.last { $0.isValid(during: window) }
    }

    /// The district (or city) a unit lies in, as the tree stood during `window` (today's tree when
    /// `nil`); the province itself for units managed at province level or without a district.
    public func area(of id: String, during window: ClosedRange<Day>? = nil) -> String? {
        var seen: Set<String> = []
        var current = window.map { unit(id, during: $0) } ?? self[id]
        var root: String?
        while let node = current, seen.insert(node.id).inserted {
            if node.kind == .district { return node.id }
            root = node.id
            current = node.parent.flatMap { parent in window.map { unit(parent, during: $0) } ?? self[parent] }
        }
        return root
    }

    /// The units above `id` as the tree stood during `window`, nearest first: those that supervise it
    /// (review its submissions and sign its periods off).
    public func supervisors(of id: String, during window: ClosedRange<Day>) -> [String] {
        var seen: Set<String> = [id]
        var chain: [String] = []
        var current = unit(id, during: window)?.parent.flatMap { unit($0, during: window) }
        while let node = current, seen.insert(node.id).inserted {
            chain.append(node.id)
            current = node.parent.flatMap { unit($0, during: window) }
        }
        return chain
    }

    public init(name: String, version: String, units list: [Unit]) throws(RegistryError) {
        let problems = Self.problems(in: list)
        guard problems.isEmpty else {
            throw RegistryError(problems: problems.map { "unit \(list[$0.index].id): \($0.message)" })
        }
        self.init(checked: list, name: name, version: version)
    }

    private init(checked list: [Unit], name: String, version: String) {
        var versions: [String: [Unit]] = [:]
        for unit in list { versions[unit.id, default: []].append(unit) }
        for id in versions.keys {
            // Versions without a start come first.
            versions[id]?.sort { a, b in
                switch (a.validFrom, b.validFrom) {
                case (nil, .some): true
                case (.some(let x), .some(let y)): x < y
                default: false
                }
            }
        }
        self.name = name
        self.version = version
        self.versions = versions
    }

    /// Every problem of a list of units, with the index of the unit it is about.
    static func problems(in list: [Unit]) -> [(index: Int, message: String)] {
        var problems: [(index: Int, message: String)] = []
        var byID: [String: [Int]] = [:]
        for (index, unit) in list.enumerated() { byID[unit.id, default: []].append(index) }
        for (index, unit) in list.enumerated() {
            if let from = unit.validFrom, let to = unit.validTo, to < from {
                problems.append((index, "valid_to \(to) is before valid_from \(from)"))
            }
            for other in byID[unit.id] ?? [] where other < index && list[other].overlaps(unit) {
                problems.append((index, "duplicate id: another entry of \(unit.id) is valid at the same time"))
            }
            if let parent = unit.parent {
                if let entries = byID[parent] {
                    if !entries.contains(where: { list[$0].overlaps(unit) }) {
                        problems.append((index, "parent \(parent) is not valid while this unit is"))
                    }
                } else {
                    problems.append((index, "unknown parent \(parent)"))
                }
            }
            if let reporter = unit.reportedBy, byID[reporter] == nil {
                problems.append((index, "unknown reported_by \(reporter)"))
            }
            for successor in unit.successors where byID[successor] == nil {
                problems.append((index, "unknown successor \(successor)"))
            }
            // Cycles: follow parents, each time through a version valid together with the child.
            var seen: Set<String> = [unit.id]
            var current = unit
            while let parent = current.parent,
                let next = byID[parent]?.map({ list[$0] }).first(where: { $0.overlaps(current) })
            {
                guard seen.insert(next.id).inserted else {
                    problems.append((index, "is in a parent cycle"))
                    break
                }
                current = next
            }
        }
        return problems
    }

    /// Loads a registry file; problems name the file and line of the unit they are about.
    public static func load(from url: URL) throws -> UnitRegistry {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw RegistryError(problems: ["\(url.path): cannot read: \(error.localizedDescription)"])
        }
        let file: RegistryFile
        do { file = try JSONDecoder().decode(RegistryFile.self, from: data) } catch {
            throw RegistryError(problems: ["\(url.path): not a unit registry: \(error)"])
        }
        let problems = Self.problems(in: file.units)
        guard problems.isEmpty else {
            let lines = unitLines(in: data)
            throw RegistryError(
                problems: problems.map { problem in
                    let line = problem.index < lines.count ? ":\(lines[problem.index])" : ""
                    return "\(url.path)\(line): unit \(file.units[problem.index].id): \(problem.message)"
                })
        }
        return UnitRegistry(checked: file.units, name: file.registry, version: file.version)
    }

    /// The line of each unit's `"id"` key, in file order (units are the only objects with that key).
    private static func unitLines(in data: Data) -> [Int] {
        var lines: [Int] = []
        var line = 1
        let bytes = [UInt8](data)
        let key = Array(#""id""#.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0A {
                line += 1
            } else if bytes[index] == key[0], index + key.count <= bytes.count,
                Array(bytes[index..<index + key.count]) == key
            {
                var next = index + key.count
                while next < bytes.count, bytes[next] == 0x20 || bytes[next] == 0x09 { next += 1 }
                if next < bytes.count, bytes[next] == UInt8(ascii: ":") { lines.append(line) }
                index += key.count
                continue
            }
            index += 1
        }
        return lines
    }

    private struct RegistryFile: Decodable {
        let registry: String
        let version: String
        let units: [Unit]
    }
}

/// A unit registry file that cannot be used, with every problem found.
public struct RegistryError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { "invalid unit registry: " + problems.joined(separator: "; ") }
}
