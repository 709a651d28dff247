import Models
import Testing

@Suite("SubmissionValidator")
struct SubmissionValidatorTests {
    let validator: SubmissionValidator

    init() throws {
        validator = SubmissionValidator(registry: try TestRegistry.make(), currentYear: 2025)
    }

    static let validData = #"""
        {"party_resolution_q1": true, "registered_q1": true, "households_total": 120,
         "households_registered": 118, "policy_implemented": true, "security_incidents": ["pha_hoai"],
         "note": "Không có vụ việc nghiêm trọng"}
        """#

    /// A submission body; each argument replaces one field of a valid self-assessment, and `extra` adds
    /// members (JSON text without braces) in front.
    static func body(
        id: String = "tn-2025.001", unit: String = TestRegistry.residentialArea, kind: String = "self_assessment",
        period: String = "2025", data: String = validData, extra: String? = nil
    ) -> [UInt8] {
        let fields = #""submission_id":"\#(id)","unit":"\#(unit)","kind":"\#(kind)","period":"\#(period)""#
        return bytes("{" + (extra.map { $0 + "," } ?? "") + fields + #","data":"# + data + "}")
    }

    /// The rejection of `body`, or `nil` (recorded as an issue) when it was accepted.
    func rejected(_ body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Rejection? {
        switch validator.validate(body) {
        case .success(let submission):
            Issue.record("accepted: \(submission)", sourceLocation: sourceLocation)
            return nil
        case .failure(let rejection):
            return rejection
        }
    }

    /// `field code` for each problem, for compact comparisons.
    func found(_ body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        rejected(body, sourceLocation: sourceLocation)?.problems.map { "\($0.field) \($0.code)" } ?? []
    }

    // MARK: - Accepted

    @Test("a valid self-assessment passes and keeps the body bytes")
    func valid_selfAssessment() throws {
        let body = Self.body()
        let submission = try validator.validate(body).get()
        #expect(submission.submissionID == "tn-2025.001")
        #expect(submission.unit == TestRegistry.residentialArea)
        #expect(submission.kind == .selfAssessment)
        #expect(submission.period == Period(year: 2025))
        #expect(submission.replaces == nil)
        #expect(submission.body == body)
        #expect(submission.data["households_total"] == .number(120))
        #expect(submission.data["security_incidents"] == .array([.string("pha_hoai")]))
    }

    @Test("the body is kept byte for byte, whitespace and key order included")
    func valid_keepsExactBytes() throws {
        let body = bytes(
            """
            {
              "data": {"party_resolution": true, "registered": false, "plan_issued": true},
              "replaces": "tn-2025.000",
              "period": "2026", "kind": "registration_plan", "unit": "\(TestRegistry.agency)", "submission_id": "ca:1"
            }
            """)
        let submission = try validator.validate(body).get()
        #expect(submission.body == body)
        #expect(submission.replaces == "tn-2025.000")
        #expect(submission.period == Period(year: 2026))
    }

    @Test("a six-monthly report needs a half-year period and accepts counts")
    func valid_sixMonthlyReport() throws {
        let data = #"{"security_teams": 2, "tip_offs": 0, "propaganda_sessions": 4.0, "note": null}"#
        let body = Self.body(unit: TestRegistry.commune, kind: "six_monthly_report", period: "2025-H2", data: data)
        let submission = try validator.validate(body).get()
        #expect(submission.period == Period(year: 2025, half: 2))
        #expect(submission.data["propaganda_sessions"]?.integer == 4)
    }

    @Test("a null replaces is the same as none")
    func valid_nullReplaces() throws {
        let body = Self.body(id: "a", unit: TestRegistry.ward, period: "2024", data: "{}", extra: #""replaces":null"#)
        #expect(try validator.validate(body).get().replaces == nil)
    }

    // MARK: - Every problem at once

    @Test("a body with many faults lists every problem with its field path and code")
    func invalid_listsEveryProblem() throws {
        let body = bytes(
            #"""
            {"submission_id": "x-1", "kind": "self_assessment", "period": "2025-Q1", "extra": 1,
             "data": {"party_resolution_q1": "yes", "households_total": -5, "households_registered": 3,
                      "households_poor": 2, "security_incidents": ["pha_hoai", "trom_cap"]}}
            """#)
        let rejection = try #require(rejected(body))
        #expect(rejection.submissionID == "x-1")
        #expect(
            rejection.problems.map { "\($0.field) \($0.code)" } == [
                "extra unknown_field",
                "unit missing_field",
                "period invalid_period",
                "data.households_poor unknown_field",
                "data.party_resolution_q1 wrong_type",
                "data.households_total invalid_value",
                "data.security_incidents[1] invalid_value",
                "data.households_registered invalid_value",
            ])
        let unit = try #require(rejection.problems.first { $0.field == "unit" })
        #expect(unit.message.contains("Thiếu"))
        let households = try #require(rejection.problems.last)
        #expect(households.message.contains("(3)") && households.message.contains("(-5)"))
        let incident = try #require(rejection.problems.first { $0.field == "data.security_incidents[1]" })
        #expect(incident.message.contains("trom_cap"))
        #expect(incident.message.contains("pha_hoai"))
    }

    @Test("an unknown kind is reported with the valid kinds, alongside the other top-level problems")
    func invalid_unknownKind() throws {
        let body = bytes(
            #"{"submission_id": "x-2", "unit": "NOWHERE", "kind": "monthly_report", "period": "20-25", "data": {}}"#)
        let rejection = try #require(rejected(body))
        #expect(
            rejection.problems.map { "\($0.field) \($0.code)" } == [
                "unit unknown_unit", "kind unknown_kind", "period invalid_period",
            ])
        #expect(rejection.problems[1].message.contains("self_assessment"))
        #expect(rejection.problems[1].message.contains("“monthly_report”"))
    }

    @Test("every field missing is reported, each in Vietnamese")
    func invalid_emptyObject() throws {
        let rejection = try #require(rejected(bytes("{}")))
        #expect(rejection.submissionID == nil)
        #expect(
            rejection.problems.map { "\($0.field) \($0.code)" } == [
                "submission_id missing_field", "unit missing_field", "kind missing_field", "period missing_field",
                "data missing_field",
            ])
        #expect(rejection.problems.allSatisfy { $0.message.hasPrefix("Thiếu trường bắt buộc") })
    }

    // MARK: - The body as a whole

    @Test("malformed JSON is malformed_json", arguments: [#"{"unit": "#, "", "{'a': 1}", "[1, 2"])
    func invalid_malformedJSON(text: String) throws {
        #expect(found(bytes(text)) == [" malformed_json"])
    }

    @Test("a body that is not UTF-8 is malformed_json")
    func invalid_notUTF8() {
        #expect(found([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]) == [" malformed_json"])
    }

    @Test(
        "a top-level array, string or number is not_an_object", arguments: ["[1, 2]", #""submission""#, "42", "null"])
    func invalid_notAnObject(text: String) throws {
        let rejection = try #require(rejected(bytes(text)))
        #expect(rejection.problems.map { "\($0.field) \($0.code)" } == [" not_an_object"])
        #expect(rejection.problems.first?.message.contains("đối tượng JSON") == true)
    }

    @Test("a body over the size limit is too_large; one at the limit is read")
    func invalid_tooLarge() throws {
        let valid = Self.body()
        let padding = [UInt8](repeating: 0x20, count: Submission.maximumBodySize - valid.count)
        #expect(throws: Never.self) { try validator.validate(valid + padding).get() }

        let rejection = try #require(rejected(valid + padding + [0x20]))
        #expect(rejection.problems.map(\.code) == [.tooLarge])
        #expect(rejection.problems.first?.message.contains("\(Submission.maximumBodySize + 1)") == true)
    }

    @Test("deeply nested JSON is refused as a problem, not a crash")
    func invalid_deeplyNested() throws {
        let depth = Submission.maximumBodySize / 2 - 1
        let arrays = [UInt8](repeating: 0x5B, count: depth) + [UInt8](repeating: 0x5D, count: depth)
        let arrayCodes = try #require(rejected(arrays)).problems.map(\.code)
        #expect(arrayCodes == [.malformedJSON] || arrayCodes == [.notAnObject])

        let objects = bytes(String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000))
        let objectCodes = try #require(rejected(objects)).problems.map(\.code)
        #expect(
            objectCodes == [.malformedJSON]
                || objectCodes == [
                    .unknownField, .missingField, .missingField, .missingField, .missingField, .missingField,
                ])
    }

    @Test("an unknown top-level field's name is clipped in the message, like other echoed input")
    func invalid_longUnknownFieldIsClipped() throws {
        let name = String(repeating: "k", count: 1_000)
        let body = Self.body(unit: TestRegistry.ward, data: "{}", extra: #""\#(name)": 1"#)
        let problem = try #require(rejected(body)?.problems.first)
        #expect(problem.field == name)
        #expect(problem.code == .unknownField)
        #expect(problem.message.count < 200)

        let inData = Self.body(unit: TestRegistry.ward, data: #"{"\#(name)": 1}"#)
        let dataProblem = try #require(rejected(inData)?.problems.first)
        #expect(dataProblem.field == "data.\(name)")
        #expect(dataProblem.message.count < 200)
    }

    // MARK: - Unit, kind and period

    @Test("a province or district cannot submit", arguments: [TestRegistry.province, TestRegistry.district])
    func invalid_unitCannotSubmit(unit: String) throws {
        let rejection = try #require(rejected(Self.body(unit: unit)))
        #expect(rejection.problems.map { "\($0.field) \($0.code)" } == ["unit unit_cannot_submit"])
        #expect(rejection.problems.first?.message.contains("không tự gửi báo cáo") == true)
    }

    @Test(
        "a half-year period for a yearly kind, or a year for the six-monthly report, is period_kind_mismatch",
        arguments: [("self_assessment", "2025-H1"), ("yearly_report", "2025-H2"), ("six_monthly_report", "2025")])
    func invalid_periodKindMismatch(kind: String, period: String) {
        #expect(found(Self.body(kind: kind, period: period, data: "{}")) == ["period period_kind_mismatch"])
    }

    @Test(
        "a year after next year or before 2021 is period_out_of_range", arguments: ["2099", "2027", "2020", "2020-H1"])
    func invalid_periodOutOfRange(period: String) throws {
        let kind = period.contains("-") ? "six_monthly_report" : "self_assessment"
        let rejection = try #require(rejected(Self.body(kind: kind, period: period, data: "{}")))
        #expect(rejection.problems.map { "\($0.field) \($0.code)" } == ["period period_out_of_range"])
        #expect(rejection.problems.first?.message.contains("2021–2026") == true)
    }

    @Test("next year and 2021 are in range", arguments: ["2026", "2021"])
    func valid_periodBounds(period: String) throws {
        #expect(throws: Never.self) { try validator.validate(Self.body(period: period)).get() }
    }

    // MARK: - Top-level fields

    @Test(
        "a submission id with other characters, or too long, is invalid_value",
        arguments: ["", "có dấu", "a b", "a/b", String(repeating: "x", count: 129)])
    func invalid_submissionID(id: String) {
        #expect(found(Self.body(id: id)) == ["submission_id invalid_value"])
    }

    @Test("a 128-character submission id of letters, digits and ._:- is accepted")
    func valid_longestSubmissionID() throws {
        let id = String(repeating: "aZ9._:-", count: 19).prefix(128)
        #expect(try validator.validate(Self.body(id: String(id))).get().submissionID == String(id))
    }

    @Test("wrong JSON types at the top level are wrong_type; an empty replaces is invalid_value")
    func invalid_topLevelTypes() {
        let body = bytes(
            #"""
            {"submission_id": 7, "unit": null, "kind": ["self_assessment"], "period": 2025, "replaces": "",
             "data": []}
            """#)
        #expect(
            found(body) == [
                "submission_id wrong_type", "unit wrong_type", "kind wrong_type", "period wrong_type",
                "replaces invalid_value", "data not_an_object",
            ])
    }

    // MARK: - Data

    @Test("required data fields of a registration plan are missing_field, with their labels")
    func invalid_registrationPlanMissingFields() throws {
        let body = Self.body(unit: TestRegistry.commune, kind: "registration_plan", data: #"{"registered": true}"#)
        let rejection = try #require(rejected(body))
        #expect(
            rejection.problems.map { "\($0.field) \($0.code)" } == [
                "data.party_resolution missing_field", "data.plan_issued missing_field",
            ])
        #expect(rejection.problems.first?.message.contains("nghị quyết chuyên đề") == true)
    }

    @Test("counts must be whole numbers; booleans, text and code lists their own types")
    func invalid_dataTypes() {
        let data = #"""
            {"households_total": 2.5, "households_registered": "10", "policy_implemented": 1,
             "security_incidents": "pha_hoai", "note": 5}
            """#
        #expect(
            found(Self.body(data: data)) == [
                "data.households_total wrong_type", "data.households_registered wrong_type",
                "data.policy_implemented wrong_type", "data.security_incidents wrong_type", "data.note wrong_type",
            ])
    }

    @Test("a note longer than its limit is invalid_value; a code that is not text is invalid_value")
    func invalid_dataValues() {
        let longNote = String(repeating: "ễ", count: 4_001)
        let data = #"{"note": "\#(longNote)", "security_incidents": [3, "kich_dong_gay_roi"]}"#
        #expect(
            found(Self.body(data: data)) == ["data.security_incidents[0] invalid_value", "data.note invalid_value"])
    }

    @Test("registered households may equal the total")
    func valid_registeredEqualsTotal() throws {
        let data = #"{"households_total": 80, "households_registered": 80}"#
        #expect(throws: Never.self) { try validator.validate(Self.body(data: data)).get() }
    }

    // MARK: - Rejection on the wire

    @Test("a rejection encodes with snake_case keys and plain string codes")
    func rejection_encoding() throws {
        let rejection = try #require(rejected(Self.body(unit: TestRegistry.province)))
        let json = String(decoding: JSONCoding.encode(rejection), as: UTF8.self)
        #expect(json.hasPrefix(#"{"problems":[{"code":"unit_cannot_submit","field":"unit","message":"#))
        #expect(json.hasSuffix(#""submission_id":"tn-2025.001"}"#))
        #expect(try JSONCoding.decode(Rejection.self, from: JSONCoding.encode(rejection)) == rejection)
    }
}

@Suite("SubmissionValidator and the tree over time")
struct SubmissionValidatorEffectiveDatingTests {
    @Test("a unit merged away before the period is refused with unit_not_in_period, naming its successor")
    func mergedUnit() throws {
        let registry = try UnitRegistry(
            name: "r", version: "1",
            units: [
                Unit(id: "TQ", name: "Tỉnh Tuyên Quang", kind: .province),
                Unit(
                    id: "OLD", name: "Xã Cũ", kind: .commune, parent: "TQ", validTo: Day("2024-06-30"),
                    successors: ["NEW"]),
                Unit(id: "NEW", name: "Xã Mới", kind: .commune, parent: "TQ", validFrom: Day("2024-07-01")),
            ])
        let validator = SubmissionValidator(registry: registry, currentYear: 2025)
        func body(_ unit: String, _ period: String) -> [UInt8] {
            Array(
                #"{"submission_id":"s1","unit":"\#(unit)","kind":"yearly_report","period":"\#(period)","data":{}}"#.utf8
            )
        }
        // 2024 (16/11/2023–15/11/2024) still saw the old commune; 2025 does not.
        #expect(throws: Never.self) { try validator.validate(body("OLD", "2024")).get() }
        let rejection = try #require(
            { if case .failure(let rejection) = validator.validate(body("OLD", "2025")) { rejection } else { nil } }())
        #expect(rejection.problems.map(\.code) == [.unitNotInPeriod])
        #expect(rejection.problems.first?.message.contains("NEW") == true)
        #expect(rejection.problems.first?.message.contains("đến 30/6/2024") == true)
        #expect(throws: Never.self) { try validator.validate(body("NEW", "2025")).get() }
    }
}

@Suite("SubmissionValidator: model, event and commendation kinds")
struct SubmissionValidatorNewKindsTests {
    let validator: SubmissionValidator

    init() throws {
        validator = SubmissionValidator(registry: try TestRegistry.make(), currentYear: 2025)
    }

    func problems(_ kind: String, _ data: String) -> [String] {
        let body =
            #"{"submission_id":"k1","unit":"\#(TestRegistry.commune)","kind":"\#(kind)","period":"2025","data":\#(data)}"#
        guard case .failure(let rejection) = validator.validate(Array(body.utf8)) else { return [] }
        return rejection.problems.map { "\($0.field) \($0.code)" }
    }

    @Test("valid drafts of each new kind pass")
    func valid() {
        #expect(
            problems(
                "model_registration",
                #"{"model_name":"Camera an ninh","model_type":"camera_an_ninh","started_on":"2025-03-15"}"#
            ).isEmpty)
        #expect(
            problems("model_review", #"{"model_name":"Camera an ninh","effective":true,"cases_supported":3}"#).isEmpty)
        #expect(
            problems(
                "event_participation",
                #"{"event":"ngay_hoi_toan_dan_bao_ve_antq_19_8","held_on":"2025-08-19","organised":true}"#
            ).isEmpty)
        #expect(
            problems(
                "commendation_proposal",
                #"{"form":"giay_khen","beneficiary":"Tổ tự quản","achievement":"Giúp phát hiện 3 vụ việc."}"#
            ).isEmpty)
    }

    @Test(
        "an event is dated inside the period's evaluation window (a commune's 2025: 16/11/2024 to 15/11/2025)",
        arguments: [
            ("2024-11-16", true), ("2025-11-15", true), ("2024-11-15", false), ("2025-11-16", false),
        ])
    func eventInWindow(day: String, inside: Bool) {
        let found = problems(
            "event_participation",
            #"{"event":"ngay_hoi_toan_dan_bao_ve_antq_19_8","held_on":"\#(day)","organised":true}"#)
        #expect(found == (inside ? [] : ["data.held_on invalid_value"]))
    }

    @Test("a residential area's window ends on 31/10, and the message says which window")
    func residentialWindow() throws {
        let body =
            #"{"submission_id":"k2","unit":"\#(TestRegistry.residentialArea)","kind":"event_participation","period":"2025","data":{"event":"ngay_phong_chay_chua_chay_4_10","held_on":"2025-11-04","organised":false}}"#
        guard case .failure(let rejection) = validator.validate(Array(body.utf8)) else {
            Issue.record("accepted an event after the residential area's window")
            return
        }
        let message = try #require(rejection.problems.first?.message)
        #expect(message.contains("4/11/2025"))
        #expect(message.contains("1/11/2024–31/10/2025"))
    }

    @Test("a code outside its list, a date that is not a day, and missing required fields are each named")
    func invalid() {
        #expect(
            problems("event_participation", #"{"event":"ngay_le_tinh_nhan","held_on":"2025-02-30"}"#) == [
                "data.event invalid_value", "data.held_on invalid_value", "data.organised missing_field",
            ])
        #expect(
            problems("model_registration", #"{"model_name":"X","model_type":7,"started_on":20250315}"#) == [
                "data.model_type wrong_type", "data.started_on wrong_type",
            ])
        #expect(
            problems("commendation_proposal", #"{"form":"huan_chuong"}"#) == [
                "data.form invalid_value", "data.beneficiary missing_field", "data.achievement missing_field",
            ])
    }

}

extension SubmissionValidatorTests {
    // MARK: - Cross-field rules

    @Test(
        "a part cannot exceed its whole, nor a count its natural maximum",
        arguments: [
            (#"{"households_total": 100, "households_registered": 101}"#, "data.households_registered"),
            (#"{"staff_total": 40, "staff_briefed": 41}"#, "data.staff_briefed"),
            (#"{"staff_total": 40, "staff_participating": 45}"#, "data.staff_participating"),
            (#"{"annual_events_held": 8}"#, "data.annual_events_held"),
        ])
    func crossField(data: String, field: String) throws {
        let problems = try #require(rejected(Self.body(data: data))).problems
        #expect(problems.map(\.field) == [field])
        #expect(problems.first?.code == .invalidValue)
        #expect(
            problems.first?.message.contains("lớn hơn") == true
                || problems.first?.message.contains("vượt quá 7") == true)
    }

    @Test("a part equal to its whole, and 7 yearly events, are accepted")
    func crossFieldAtTheLimit() throws {
        let data =
            #"{"households_total": 100, "households_registered": 100, "staff_total": 40, "staff_participating": 40, "annual_events_held": 7}"#
        #expect(throws: Never.self) { try validator.validate(Self.body(data: data)).get() }
    }
}
