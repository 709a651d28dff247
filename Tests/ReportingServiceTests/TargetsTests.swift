import Foundation
import Models
import ReportingService
import Testing

@Suite("Targets")
struct TargetsTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../data/targets/tuyen-quang-2023-2025.v1.json").standardizedFileURL

    static func registry() throws -> UnitRegistry {
        try UnitRegistry.load(
            from: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../data/units/tuyen-quang.json").standardizedFileURL)
    }

    @Test("the plan's file loads; a year's targets only, each met or not by the units that are điển hình")
    func progress() throws {
        let targets = try TargetsFile.load(from: Self.file)
        let registry = try Self.registry()
        let dvm = registry.allUnits.filter { $0.attributes.contains("duong_van_minh") }.map(\.id)
        #expect(dvm.count == 10)
        let all = targets.progress(year: 2025, registry: registry, modelUnits: Set(dvm))
        #expect(all.allSatisfy { $0.year == 2025 })
        let row = try #require(all.first { $0.target == "duong_van_minh_2025" })
        #expect(row.met && row.modelUnits == 10 && row.required == 10)
        let nine = targets.progress(year: 2025, registry: registry, modelUnits: Set(dvm.dropLast()))
        #expect(nine.first { $0.target == "duong_van_minh_2025" }?.met == false)
    }

    @Test("per block: every provincial block needs its own model units")
    func perBlock() throws {
        let targets = try TargetsFile.load(from: Self.file)
        let registry = try Self.registry()
        let provincial = registry.allUnits.filter {
            [.agency, .enterprise, .school].contains($0.kind) && $0.parent == "TQ"
        }
        let blocks = Dictionary(grouping: provincial) { $0.block ?? "" }
        #expect(blocks.count >= 2)
        // One unit in every block meets 2023's target (1 per block), not 2025's (2 per block).
        let onePerBlock = Set(blocks.values.compactMap { $0.first?.id })
        let in2023 = try #require(
            targets.progress(year: 2023, registry: registry, modelUnits: onePerBlock).first {
                $0.target == "blocks_2023"
            })
        #expect(in2023.met && in2023.blocksMet == blocks.count && in2023.blocks == blocks.count)
        let in2025 = try #require(
            targets.progress(year: 2025, registry: registry, modelUnits: onePerBlock).first {
                $0.target == "blocks_2025"
            })
        #expect(!in2025.met && in2025.blocksMet == 0)
    }

    @Test("a target without share, count or per_block is refused, naming it")
    func invalid() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("targets-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(
            #"{"plan": "p", "version": "1", "source": "s", "targets": [{"id": "t", "year": 2025, "name": "T", "unit_kinds": ["ward"]}]}"#
                .utf8
        ).write(to: url)
        do {
            _ = try TargetsFile.load(from: url)
            Issue.record("accepted")
        } catch { #expect("\(error)".contains("target t needs share, count or per_block")) }
    }
}
