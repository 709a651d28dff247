import Criteria
import Foundation
import Models
import Testing

/// A whole year of Tuyên Quang sample data (`data/samples/year-2025`) through the real services,
/// checked against the outcomes written by hand from the criteria files (`expected/outcomes.json` there).
@Suite("sample year 2025, real processes")
struct SampleYearTests {
    static let directory = TestSystem.packageRoot.appendingPathComponent("data/samples/year-2025")
    static let period = "2025"

    /// One submission file of the year.
    struct Sample {
        let file: String
        let body: [UInt8]
        let submissionID: String
        let unit: String
        let kind: SubmissionKind
        let period: String
        let replaces: String?
    }

    /// What one criteria set makes of a unit, as expected/outcomes.json writes it: `"passed"`, or
    /// `{"outcome": "failed", "unmet": [...]}`, or `{"points": N, "level": "kha", "unmet": [...]}`.
    struct Outcome: Equatable, CustomStringConvertible {
        let outcome: Evaluation.Outcome
        let points: Int?
        let level: String?
        let unmet: [String]

        init(outcome: Evaluation.Outcome, points: Int? = nil, level: String? = nil, unmet: [String] = []) {
            self.outcome = outcome
            self.points = points
            self.level = level
            self.unmet = unmet
        }

        init(_ evaluation: Evaluation) {
            self.init(
                outcome: evaluation.outcome, points: evaluation.points, level: evaluation.level,
                unmet: evaluation.criteria.filter { !$0.met }.map(\.criterion))
        }

        init(expected value: JSONValue, unit: String, set: String) throws {
            if let text = value.string {
                let outcome = try #require(Evaluation.Outcome(rawValue: text), "\(unit) \(set): \(text)")
                self.init(outcome: outcome)
                return
            }
            let object = try #require(value.object, "\(unit) \(set): a string or an object")
            let unmet = try (object["unmet"]?.array ?? []).map { try #require($0.string, "\(unit) \(set): unmet") }
            if object["points"] != nil {
                self.init(
                    outcome: .classified, points: try #require(object["points"]?.integer, "\(unit) \(set): points"),
                    level: try #require(object["level"]?.string, "\(unit) \(set): level"), unmet: unmet)
            } else {
                let text = try #require(object["outcome"]?.string, "\(unit) \(set): outcome")
                self.init(
                    outcome: try #require(Evaluation.Outcome(rawValue: text), "\(unit) \(set): \(text)"), unmet: unmet)
            }
        }

        var description: String {
            var text = outcome.rawValue
            if let points { text += " \(points) điểm" }
            if let level { text += " \(level)" }
            return unmet.isEmpty ? text : text + " unmet \(unmet)"
        }
    }

    /// What the period report should count for one unit kind in one area.
    struct Counts: Equatable, CustomStringConvertible {
        var received = 0
        var evaluated = 0
        var passed = 0
        var failed = 0
        var notApplicable = 0
        var levels: [String: Int] = [:]
        var modelUnits = 0

        var description: String {
            let levels = levels.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return
                "received \(received), evaluated \(evaluated), passed \(passed), failed \(failed), "
                + "not applicable \(notApplicable), levels [\(levels)], model units \(modelUnits)"
        }
    }

    /// Every submission file, in name order (originals before the corrections that replace them).
    static func samples() throws -> [Sample] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        return try files.map { url in
            let body = [UInt8](try Data(contentsOf: url))
            let object = try #require(try JSONParser.parse(body).object, "\(url.lastPathComponent)")
            return Sample(
                file: url.lastPathComponent, body: body,
                submissionID: try #require(object["submission_id"]?.string),
                unit: try #require(object["unit"]?.string),
                kind: try #require(object["kind"]?.string.flatMap(SubmissionKind.init(rawValue:))),
                period: try #require(object["period"]?.string), replaces: object["replaces"]?.string)
        }
    }

    /// expected/outcomes.json: unit → criteria set id → outcome.
    static func expected() throws -> [String: [String: Outcome]] {
        let json = try JSONParser.parse(
            [UInt8](try Data(contentsOf: directory.appendingPathComponent("expected/outcomes.json"))))
        let units = try #require(json.object, "expected/outcomes.json: an object of units")
        var expected: [String: [String: Outcome]] = [:]
        for (unit, sets) in units {
            let object = try #require(sets.object, "expected/outcomes.json: \(unit) must be an object of sets")
            var outcomes: [String: Outcome] = [:]
            for (set, value) in object { outcomes[set] = try Outcome(expected: value, unit: unit, set: set) }
            expected[unit] = outcomes
        }
        return expected
    }

    @Test("every unit's results, the period report and the inboxes match the outcomes written by hand")
    func wholeYear() throws {
        let samples = try Self.samples()
        let expected = try Self.expected()
        #expect(samples.count >= 25)
        #expect(!expected.isEmpty)
        let catalog = try CriteriaCatalog.load(directory: URL(fileURLWithPath: TestSystem.criteriaPath))
        let judgements = Dictionary(catalog.sets.map { ($0.id, $0.judgement) }, uniquingKeysWith: { first, _ in first })

        // The files are named so that name order is the year's order, corrections after their originals.
        var seen: Set<String> = []
        for sample in samples {
            if let replaced = sample.replaces {
                #expect(seen.contains(replaced), "\(sample.file) comes before \(replaced)")
            }
            seen.insert(sample.submissionID)
        }
        // The latest self-assessment of each unit is the one no other replaces.
        let replaced = Set(samples.compactMap(\.replaces))
        let latest = Dictionary(
            samples.filter { $0.kind == .selfAssessment && !replaced.contains($0.submissionID) }.map {
                ($0.unit, $0.submissionID)
            }, uniquingKeysWith: { _, second in second })
        #expect(
            Set(latest.keys) == Set(expected.keys), "expected/outcomes.json names every unit with a self-assessment")
        #expect(samples.filter { $0.kind == .selfAssessment }.allSatisfy { $0.period == Self.period })

        let system = try TestSystem("year2025")
        let intake = try system.cluster.startIntake()
        let workers = try (1...2).map { try system.cluster.startWorker(id: "worker-\($0)", intake: intake) }
        let (reporting, notification) = try system.cluster.startSubscribers(following: [intake])

        // One at a time, in name order: each original is stored before its correction arrives.
        let bodies = samples.map(\.body)
        let (outcomes, _) = try system.client(intake, "submissions").submitAll(bodies, window: 1)
        for (sample, outcome) in zip(samples, outcomes) {
            #expect(outcome.receipt != nil, "\(sample.file): \(String(describing: outcome.rejection?.problems))")
        }
        let receipts = Dictionary(
            outcomes.compactMap(\.receipt).map { ($0.submissionID, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(receipts.count == samples.count)

        // Reporting has every result once the workers' logs it applied hold every evaluation
        // (one per set that judges each submission version) and it counts every submission.
        let evaluations = try system.expectedEvaluations(of: bodies)
        let roots = samples.filter { $0.replaces == nil && $0.period == Self.period }.count
        let query = try system.client(reporting, "query")
        func report(_ period: String) throws -> Report {
            try JSONCoding.decode(
                Report.self,
                from: try query.request(.report, body: JSONCoding.encode(ReportRequest(period: period))).body)
        }
        let complete = try system.waitUntil {
            let report = try report(Self.period)
            let applied = workers.map { report.positions[$0.name] ?? 0 }.reduce(0, +)
            return applied >= UInt64(evaluations) && report.rows.reduce(0) { $0 + $1.evaluated } == roots
        }
        #expect(complete, "reporting did not apply all \(evaluations) evaluations of the year")

        // Each unit: every set's outcome, points, level and unmet criteria, of its latest self-assessment.
        var results: [String: [Evaluation]] = [:]
        for unit in expected.keys.sorted() {
            let reply = try query.request(
                .results, body: JSONCoding.encode(UnitResultsRequest(unit: unit, period: Self.period)))
            let evaluations = try JSONCoding.decode(UnitResults.self, from: reply.body).evaluations
            results[unit] = evaluations
            var actual: [String: Outcome] = [:]
            for evaluation in evaluations {
                let reference = try #require(evaluation.criteriaSet, "\(unit): a result names its set")
                let setID = String(reference.prefix { $0 != "@" })
                #expect(actual[setID] == nil, "\(unit): two results of \(setID)")
                actual[setID] = Outcome(evaluation)
            }
            #expect(actual == expected[unit], "\(unit)")
            let latestKey = try #require(latest[unit].flatMap { receipts[$0]?.key })
            #expect(evaluations.allSatisfy { $0.submission.key == latestKey }, "\(unit): results of the latest version")
        }

        // Progress against the plan's 2025 targets: Đông Thọ, the only "điển hình" commune of the year,
        // is one of the ten once affected by "Dương Văn Mình" (all ten are required).
        let targets = try #require(try report(Self.period).targets)
        let dvm = try #require(targets.first { $0.target == "duong_van_minh_2025" })
        #expect(dvm.inScope == 10 && dvm.modelUnits == 1 && dvm.required == 10 && !dvm.met)
        let wards = try #require(targets.first { $0.target == "wards_2025" })
        #expect(wards.inScope == 3 && wards.modelUnits == 0 && wards.required == 2 && !wards.met)
        #expect(targets.allSatisfy { $0.year == 2025 })

        // The period reports count what expected/outcomes.json implies, per unit kind and area.
        for period in Set(samples.map(\.period)).sorted() {
            var counts: [String: Counts] = [:]
            for sample in samples where sample.period == period && sample.replaces == nil {
                let unit = try #require(system.registry[sample.unit])
                let row = "\(unit.kind.rawValue) \(system.registry.area(of: unit.id) ?? unit.id)"
                counts[row, default: Counts()].received += 1
                counts[row, default: Counts()].evaluated += 1
                guard sample.kind == .selfAssessment else {
                    counts[row, default: Counts()].notApplicable += 1
                    continue
                }
                for (set, outcome) in expected[sample.unit] ?? [:] {
                    switch (try #require(judgements[set], "unknown criteria set \(set)"), outcome.outcome) {
                    case (.recognition, .passed): counts[row, default: Counts()].passed += 1
                    case (.recognition, _): counts[row, default: Counts()].failed += 1
                    case (.classification, _):
                        counts[row, default: Counts()].levels[outcome.level ?? "", default: 0] += 1
                    case (.modelUnit, .passed): counts[row, default: Counts()].modelUnits += 1
                    case (.modelUnit, _): break
                    }
                }
            }
            var actual: [String: Counts] = [:]
            for row in try report(period).rows {
                actual["\(row.unitKind.rawValue) \(row.area)"] = Counts(
                    received: row.received, evaluated: row.evaluated, passed: row.passed, failed: row.failed,
                    notApplicable: row.notApplicable, levels: row.levels, modelUnits: row.modelUnits)
            }
            #expect(actual == counts, "report \(period)")
        }

        // Every evaluation made a notice in its unit's inbox, and each unit's latest results carry their verdicts.
        let units = Set(samples.map(\.unit))
        #expect(try system.waitUntil { try system.allNotices(notification, units: units).count >= evaluations })
        let notices = try system.allNotices(notification, units: units)
        #expect(notices.count == evaluations)
        for (unit, evaluations) in results.sorted(by: { $0.key < $1.key }) {
            let inbox = Dictionary(
                notices.filter { $0.unit == unit }.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
            for evaluation in evaluations {
                let key = "result:\(evaluation.submission.key):\(evaluation.criteriaSet ?? "")"
                let notice = try #require(inbox[key], "\(unit): no notice \(key)")
                let verdict =
                    switch evaluation.outcome {
                    case .passed: ": ĐẠT"
                    case .failed: ": CHƯA ĐẠT"
                    default: "(\(evaluation.points ?? -1)/\(evaluation.maximumPoints ?? -1) điểm)"
                    }
                #expect(notice.title.hasSuffix(verdict), "\(unit): \(notice.title)")
            }
        }
    }
}
