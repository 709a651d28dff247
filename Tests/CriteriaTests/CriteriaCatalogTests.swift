import Criteria
import Foundation
import Models
import Testing

@Suite("CriteriaCatalog")
struct CriteriaCatalogTests {
    /// Writes `files` (name → contents) into a fresh temporary directory, runs `body`, removes it.
    static func withDirectory<Result>(_ files: [String: String], _ body: (URL) throws -> Result) throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("criteria-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, contents) in files {
            try Data(contents.utf8).write(to: directory.appendingPathComponent(name))
        }
        return try body(directory)
    }

    /// The problems a catalog of `sets` is refused for.
    static func problems(_ sets: [CriteriaSet]) -> [String] {
        let error = #expect(throws: CriteriaError.self) { try CriteriaCatalog(sets: sets) }
        return error?.problems ?? []
    }

    // MARK: - Choosing a set

    @Test("the data directory's catalog picks TT124 for a residential area's 2025 self-assessment")
    func realData_residentialAreaSelfAssessment() throws {
        let catalog = try CriteriaCatalog.load(directory: CriteriaFixtures.dataDirectory)
        #expect(catalog.sets.contains { $0.reference == "TT124-KDC@1" })
        let set = try #require(catalog.set(for: .residentialArea, .selfAssessment, year: 2025))
        #expect(set.reference == "TT124-KDC@1")
        #expect(set.legalSource == "Thông tư 124/2021/TT-BCA")
        #expect(set.criteria.count == 5)
    }

    @Test(
        "the data directory's catalog has no set for other kinds, or years before the circular applied",
        arguments: [
            (UnitKind.district, SubmissionKind.selfAssessment, 2025),
            (.ward, .yearlyReport, 2025),
            (.residentialArea, .yearlyReport, 2025),
            (.residentialArea, .registrationPlan, 2025),
            (.residentialArea, .selfAssessment, 2021),
        ]
    )
    func realData_noSet(unitKind: UnitKind, submissionKind: SubmissionKind, year: Int) throws {
        let catalog = try CriteriaCatalog.load(directory: CriteriaFixtures.dataDirectory)
        #expect(catalog.set(for: unitKind, submissionKind, year: year) == nil)
    }

    @Test(
        "a set applies from its first year to its last year inclusive",
        arguments: [(2021, false), (2022, true), (2024, true), (2025, false)])
    func validity_bounds(year: Int, applies: Bool) throws {
        let set = try CriteriaFixtures.set(validFrom: 2022, validTo: 2024)
        let catalog = try CriteriaCatalog(sets: [set])
        #expect((catalog.set(for: .residentialArea, .selfAssessment, year: year) != nil) == applies)
        #expect(set.applies(to: .residentialArea, .selfAssessment, year: year) == applies)
    }

    @Test("of two sets that apply, the one valid from the later year wins; before that year the older one applies")
    func newestSet_byValidity() throws {
        let old = try CriteriaFixtures.set(id: "OLD", validFrom: 2022)
        let new = try CriteriaFixtures.set(id: "NEW", validFrom: 2025)
        let catalog = try CriteriaCatalog(sets: [new, old])
        #expect(catalog.set(for: .residentialArea, .selfAssessment, year: 2024)?.reference == "OLD@1")
        #expect(catalog.set(for: .residentialArea, .selfAssessment, year: 2025)?.reference == "NEW@1")
    }

    @Test("of two versions valid from the same year, the later version wins")
    func newestSet_byVersion() throws {
        let catalog = try CriteriaCatalog(sets: [
            try CriteriaFixtures.set(version: "2"), try CriteriaFixtures.set(version: "1"),
        ])
        #expect(catalog.set(for: .residentialArea, .selfAssessment, year: 2025)?.version == "2")
    }

    @Test("version 10 is newer than version 9")
    func newestSet_byVersion_numericOrder() throws {
        let catalog = try CriteriaCatalog(sets: [
            try CriteriaFixtures.set(version: "9"), try CriteriaFixtures.set(version: "10"),
        ])
        #expect(catalog.set(for: .residentialArea, .selfAssessment, year: 2025)?.version == "10")
    }

    // MARK: - Validation

    @Test("a set with the same criterion id twice is refused")
    func validation_duplicateCriterionId() throws {
        let set = try CriteriaFixtures.set(criteria: [
            CriteriaFixtures.criterion("T-1", rule: CriteriaFixtures.yesRule),
            CriteriaFixtures.criterion("T-2", rule: CriteriaFixtures.yesRule),
            CriteriaFixtures.criterion("T-1", rule: CriteriaFixtures.yesRule),
        ])
        #expect(Self.problems([set]) == ["criteria set TEST@1 has criterion id T-1 twice"])
    }

    @Test("a rule that reads a field the set's submission kinds do not have is refused")
    func validation_unknownField() throws {
        let set = try CriteriaFixtures.set(criteria: [
            CriteriaFixtures.criterion("T-1", rule: #"{"type": "yes", "field": "has_camera", "label": "camera"}"#),
            CriteriaFixtures.criterion(
                "T-2",
                rule: """
                    {"type": "share_at_least", "numerator": "households_registered", "denominator": "households",
                     "percent": 100, "label": "hộ"}
                    """),
        ])
        #expect(
            Self.problems([set]) == [
                "criterion T-1 of TEST@1 reads unknown field has_camera",
                "criterion T-2 of TEST@1 reads unknown field households",
            ])
    }

    @Test("a field of another submission kind of the same set is known")
    func validation_fieldOfAnotherKind_accepted() throws {
        let set = try CriteriaFixtures.set(
            submissionKinds: ["self_assessment", "yearly_report"],
            criteria: [
                CriteriaFixtures.criterion(
                    "T-1", rule: #"{"type": "at_least", "field": "security_teams", "minimum": 1, "label": "tổ"}"#)
            ]
        )
        #expect(try CriteriaCatalog(sets: [set]).sets == [set])
    }

    @Test("the same set version defined twice is refused")
    func validation_duplicateVersion() throws {
        let set = try CriteriaFixtures.set(version: "3")
        #expect(
            Self.problems([set, try CriteriaFixtures.set(version: "2"), set]) == [
                "criteria set TEST@3 is defined twice"
            ])
    }

    @Test("a set without criteria is refused")
    func validation_emptyCriteria() throws {
        #expect(Self.problems([try CriteriaFixtures.set(criteria: [])]) == ["criteria set TEST@1 has no criteria"])
    }

    @Test("every problem of every set is reported at once, in a readable description")
    func validation_allProblemsTogether() throws {
        let empty = try CriteriaFixtures.set(id: "EMPTY", criteria: [])
        let unknown = try CriteriaFixtures.set(
            id: "UNKNOWN",
            criteria: [
                CriteriaFixtures.criterion("U-1", rule: #"{"type": "yes", "field": "nothing", "label": "x"}"#)
            ])
        let error = #expect(throws: CriteriaError.self) { try CriteriaCatalog(sets: [empty, unknown, empty]) }
        #expect(
            error?.problems == [
                "criteria set EMPTY@1 has no criteria",
                "criterion U-1 of UNKNOWN@1 reads unknown field nothing",
                "criteria set EMPTY@1 is defined twice",
                "criteria set EMPTY@1 has no criteria",
            ])
        #expect(error?.description.hasPrefix("invalid criteria data: criteria set EMPTY@1 has no criteria; ") == true)
    }

    // MARK: - Loading files

    @Test("problems name the file and the line of the criterion they are about")
    func load_lineNumbers() throws {
        let text = """
            {
              "id": "LINES", "version": "1", "title": "Thử", "legal_source": "Văn bản thử",
              "unit_kinds": ["residential_area"], "submission_kinds": ["self_assessment"],
              "valid_from_year": 2022, "valid_to_year": null,
              "criteria": [
                {"id": "L-1", "text": "Một.", "source": "mục 1",
                 "rule": {"type": "yes", "field": "policy_implemented", "label": "x"}},
                {"id": "L-2", "text": "Hai.", "source": "mục 2",
                 "rule": {"type": "yes", "field": "no_such_field", "label": "x"}},
                {"id": "L-3", "text": "Ba.", "source": "mục 3",
                 "rule": {"type": "at_least", "field": "households_total", "label": "x"}}
              ]
            }
            """
        try Self.withDirectory(["lines.json": text]) { directory in
            let error = #expect(throws: CriteriaError.self) { try CriteriaCatalog.load(directory: directory) }
            // The missing `minimum` of L-3 stops decoding: reported on L-3's line.
            #expect(error?.problems == ["\(directory.path)/lines.json:10: criteria[2].rule.minimum: missing"])
        }
        let fixed = text.replacingOccurrences(
            of: #""households_total", "label""#, with: #""households_total", "minimum": 1, "label""#)
        try Self.withDirectory(["lines.json": fixed]) { directory in
            let error = #expect(throws: CriteriaError.self) { try CriteriaCatalog.load(directory: directory) }
            #expect(
                error?.problems == [
                    "\(directory.path)/lines.json:8: criterion L-2 of LINES@1 reads unknown field no_such_field"
                ])
        }
    }

    @Test("an unknown rule type in a data file is refused, naming the file and the type")
    func load_unknownRuleType() throws {
        let bad = CriteriaFixtures.setJSON(criteria: [
            CriteriaFixtures.criterion("T-1", rule: #"{"type": "maybe", "field": "policy_implemented"}"#)
        ])
        let good = CriteriaFixtures.setJSON(
            id: "GOOD", criteria: [CriteriaFixtures.criterion("G-1", rule: CriteriaFixtures.yesRule)])
        try Self.withDirectory(["a-good.json": good, "b-bad.json": bad]) { directory in
            let error = #expect(throws: CriteriaError.self) { try CriteriaCatalog.load(directory: directory) }
            let problems = error?.problems ?? []
            #expect(problems.count == 1)
            #expect(problems.first?.contains("b-bad.json") == true)
            #expect(problems.first?.contains("unknown rule type maybe") == true)
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CriteriaSet.self, from: Data(bad.utf8)) }
    }

    @Test("loading reads only .json files and validates what it read")
    func load_jsonOnly_validated() throws {
        let tt124 = try String(contentsOf: CriteriaFixtures.tt124File, encoding: .utf8)
        try Self.withDirectory(["tt124.json": tt124, "README.md": "# not a set", "notes.txt": "{"]) { directory in
            let catalog = try CriteriaCatalog.load(directory: directory)
            #expect(catalog.sets.map(\.reference) == ["TT124-KDC@1"])
            #expect(catalog.sets == [try CriteriaFixtures.tt124()])
        }
        try Self.withDirectory(["one.json": tt124, "two.json": tt124]) { directory in
            let error = #expect(throws: CriteriaError.self) { try CriteriaCatalog.load(directory: directory) }
            #expect(
                error?.problems == [
                    "\(directory.path)/two.json:1: criteria set TT124-KDC@1 is already defined in \(directory.path)/one.json"
                ])
        }
    }

    @Test("a set encodes back to JSON that decodes to the same set, every rule type included")
    func set_roundTrip() throws {
        let set = try CriteriaFixtures.set(
            submissionKinds: ["self_assessment", "yearly_report"],
            criteria: [
                CriteriaFixtures.criterion("T-1", rule: CriteriaFixtures.yesRule),
                CriteriaFixtures.criterion(
                    "T-2", rule: #"{"type": "at_least", "field": "security_teams", "minimum": 3, "label": "tổ"}"#),
            ]
        )
        for original in [set, try CriteriaFixtures.tt124()] {
            let decoded = try JSONDecoder().decode(CriteriaSet.self, from: JSONEncoder().encode(original))
            #expect(decoded == original)
        }
    }

    @Test(
        "a rule must fit its field's type and allowed codes; a set must name kinds and end after it starts",
        arguments: [
            (
                #"{"type": "yes", "field": "households_total", "label": "x"}"#,
                "field households_total is not a yes/no field"
            ),
            (
                #"{"type": "at_least", "field": "policy_implemented", "minimum": 1, "label": "x"}"#,
                "field policy_implemented is not a count"
            ),
            (
                #"{"type": "share_at_least", "numerator": "note", "denominator": "households_total", "percent": 50, "label": "x"}"#,
                "field note is not a count"
            ),
            (
                #"{"type": "none_of", "field": "households_total", "codes": {"a": "A"}}"#,
                "field households_total is not a list of codes"
            ),
            (
                #"{"type": "none_of", "field": "security_incidents", "codes": {"khong_co": "Không có"}}"#,
                "code khong_co is not one field security_incidents allows"
            ),
            (
                #"{"type": "includes", "field": "policy_implemented", "code": "a", "label": "x"}"#,
                "is not a code or list of codes"
            ),
        ])
    func ruleTypes(rule: String, problem: String) throws {
        let set = try CriteriaFixtures.set(criteria: [CriteriaFixtures.criterion("T-1", rule: rule)])
        do {
            _ = try CriteriaCatalog(sets: [set])
            Issue.record("accepted a rule that does not fit its field: \(rule)")
        } catch { #expect(error.description.contains(problem), "\(error.description)") }
    }

    @Test("a set without unit kinds, or ending before it starts, is refused")
    func setShape() throws {
        let empty = try CriteriaFixtures.set(unitKinds: [])
        let backwards = try CriteriaFixtures.set(validFrom: 2025, validTo: 2024)
        do {
            _ = try CriteriaCatalog(sets: [empty, backwards])
            Issue.record("accepted")
        } catch {
            #expect(error.problems.contains("criteria set TEST@1 names no unit_kinds"))
            #expect(
                error.problems.contains(
                    "criteria set TEST@1 ends (valid_to_year 2024) before it starts (valid_from_year 2025)"))
        }
    }
}
