import Criteria
import Foundation
import Models
import Testing

@Suite("CriteriaEngine")
struct CriteriaEngineTests {
    static let citation1 = "(Thông tư 124/2021/TT-BCA, tiêu chuẩn khu dân cư, tiêu chí 1)."
    static let citation3 = "(Thông tư 124/2021/TT-BCA, tiêu chuẩn khu dân cư, tiêu chí 3)."
    static let title = "Tiêu chuẩn khu dân cư “An toàn về an ninh, trật tự”"

    /// The outcome of `criterion` in `outcomes`.
    static func outcome(_ criterion: String, in outcomes: [CriterionOutcome]) throws -> CriterionOutcome {
        try #require(outcomes.first { $0.criterion == criterion }, "no outcome for \(criterion)")
    }

    // MARK: - Passing

    @Test("a self-assessment meeting every criterion passes with 5 outcomes, all met, citing the circular")
    func allGood_passes() throws {
        let set = try CriteriaFixtures.tt124()
        let (passed, outcomes) = CriteriaEngine.evaluate(CriteriaFixtures.goodData, against: set)
        #expect(passed)
        #expect(
            outcomes.map(\.criterion) == [
                "TT124-KDC-1.1", "TT124-KDC-1.2", "TT124-KDC-1.3", "TT124-KDC-2", "TT124-KDC-3",
            ])
        #expect(outcomes.allSatisfy { $0.met })
        #expect(outcomes.allSatisfy { $0.reason.hasPrefix("Đạt: ") && $0.reason.contains("Thông tư 124/2021/TT-BCA") })
        #expect(
            try Self.outcome("TT124-KDC-1.1", in: outcomes).reason
                == "Đạt: có nghị quyết của chi bộ trong quý I \(Self.citation1)")
        #expect(
            try Self.outcome("TT124-KDC-1.3", in: outcomes).reason
                == "Đạt: 100% hộ gia đình đăng ký (100/100), yêu cầu 100% \(Self.citation1)")
        #expect(
            try Self.outcome("TT124-KDC-3", in: outcomes).reason
                == "Đạt: không xảy ra vụ việc nào thuộc danh mục \(Self.citation3)")
        #expect(
            CriteriaEngine.summary(passed: passed, criteria: outcomes, set: set)
                == "Đạt \(Self.title): 5/5 tiêu chí đạt (bộ tiêu chí TT124-KDC@1)."
        )
    }

    // MARK: - Shares

    @Test("87 of 100 households registered fails only TT124-KDC-1.3, with the numbers and the legal source")
    func householdsShort_failsOnlyShareCriterion() throws {
        let set = try CriteriaFixtures.tt124()
        let (passed, outcomes) = CriteriaEngine.evaluate(
            CriteriaFixtures.data(["households_registered": .number(87)]), against: set)
        #expect(!passed)
        #expect(outcomes.filter { !$0.met }.map(\.criterion) == ["TT124-KDC-1.3"])
        let reason = try Self.outcome("TT124-KDC-1.3", in: outcomes).reason
        #expect(reason.hasPrefix("Chưa đạt: "))
        #expect(reason.contains("87%"))
        #expect(reason.contains("87/100"))
        #expect(reason.contains("yêu cầu 100%"))
        #expect(reason.contains("Thông tư 124/2021/TT-BCA"))
        #expect(reason == "Chưa đạt: 87% hộ gia đình đăng ký (87/100), yêu cầu 100% \(Self.citation1)")
        #expect(
            CriteriaEngine.summary(passed: passed, criteria: outcomes, set: set)
                == "Chưa đạt \(Self.title): 4/5 tiêu chí đạt (bộ tiêu chí TT124-KDC@1)."
        )
    }

    @Test(
        "a share is written the Vietnamese way: whole numbers plain, else one decimal after a comma, never rounded up",
        arguments: [
            (175, 200, "87,5% hộ gia đình đăng ký (175/200)"),
            (1, 3, "33,3% hộ gia đình đăng ký (1/3)"),
            (2, 3, "66,6% hộ gia đình đăng ký (2/3)"),
            (999, 1_000, "99,9% hộ gia đình đăng ký (999/1000)"),
            (9_999, 10_000, "99,9% hộ gia đình đăng ký (9999/10000)"),
            (0, 7, "0% hộ gia đình đăng ký (0/7)"),
            (99, 100, "99% hộ gia đình đăng ký (99/100)"),
        ]
    )
    func share_formattedWithComma(registered: Int, total: Int, finding: String) throws {
        let data = CriteriaFixtures.data([
            "households_registered": .number(Double(registered)), "households_total": .number(Double(total)),
        ])
        let (passed, outcomes) = CriteriaEngine.evaluate(data, against: try CriteriaFixtures.tt124())
        let outcome = try Self.outcome("TT124-KDC-1.3", in: outcomes)
        #expect(!passed)
        #expect(!outcome.met)
        #expect(outcome.reason == "Chưa đạt: \(finding), yêu cầu 100% \(Self.citation1)")
    }

    @Test("a share just at the required percent is met")
    func share_atRequiredPercent_met() throws {
        let set = try CriteriaFixtures.set(criteria: [
            CriteriaFixtures.criterion(
                "T-1",
                rule: """
                    {"type": "share_at_least", "numerator": "households_registered", "denominator": "households_total",
                     "percent": 87.5, "label": "hộ đăng ký"}
                    """)
        ])
        let atPercent = CriteriaEngine.evaluate(
            ["households_registered": .number(7), "households_total": .number(8)], against: set)
        #expect(atPercent.passed)
        #expect(
            atPercent.criteria.first?.reason
                == "Đạt: 87,5% hộ đăng ký (7/8), yêu cầu 87,5% (Văn bản thử, tiêu chí T-1).")
        let below = CriteriaEngine.evaluate(
            ["households_registered": .number(174), "households_total": .number(199)], against: set)
        #expect(!below.passed, "174/199 is 87.4%")
    }

    @Test("no households at all fails the share criterion instead of dividing by zero", arguments: [0, 5])
    func householdsTotalZero_fails(registered: Int) throws {
        let data = CriteriaFixtures.data([
            "households_total": .number(0), "households_registered": .number(Double(registered)),
        ])
        let (passed, outcomes) = CriteriaEngine.evaluate(data, against: try CriteriaFixtures.tt124())
        #expect(!passed)
        #expect(outcomes.filter { !$0.met }.map(\.criterion) == ["TT124-KDC-1.3"])
        #expect(
            try Self.outcome("TT124-KDC-1.3", in: outcomes).reason
                == "Chưa đạt: tổng số để tính tỷ lệ hộ gia đình đăng ký bằng 0 \(Self.citation1)")
    }

    // MARK: - Incidents

    @Test("a reported incident fails TT124-KDC-3, naming it in Vietnamese")
    func incident_failsCriterion3() throws {
        let data = CriteriaFixtures.data(["security_incidents": .array([.string("pha_hoai")])])
        let (passed, outcomes) = CriteriaEngine.evaluate(data, against: try CriteriaFixtures.tt124())
        #expect(!passed)
        #expect(outcomes.filter { !$0.met }.map(\.criterion) == ["TT124-KDC-3"])
        let reason = try Self.outcome("TT124-KDC-3", in: outcomes).reason
        #expect(reason == "Chưa đạt: đã xảy ra: hoạt động phá hoại \(Self.citation3)")
        #expect(!reason.contains("pha_hoai"), "the user reads the name, not the code")
    }

    @Test("several incidents are all named, in the order reported")
    func incidents_allNamed() throws {
        let data = CriteriaFixtures.data([
            "security_incidents": .array([
                .string("tranh_chap_khieu_kien_keo_dai"), .string("xam_pham_an_ninh_quoc_gia"),
            ])
        ])
        let (_, outcomes) = CriteriaEngine.evaluate(data, against: try CriteriaFixtures.tt124())
        #expect(
            try Self.outcome("TT124-KDC-3", in: outcomes).reason
                == "Chưa đạt: đã xảy ra: tranh chấp, khiếu kiện kéo dài; hoạt động xâm phạm an ninh quốc gia "
                + Self.citation3
        )
    }

    @Test("codes outside the criterion's list do not count as incidents")
    func incident_unknownCode_ignored() throws {
        let data = CriteriaFixtures.data(["security_incidents": .array([.string("trom_cap_vat"), .number(3)])])
        let (passed, outcomes) = CriteriaEngine.evaluate(data, against: try CriteriaFixtures.tt124())
        #expect(passed)
        #expect(try Self.outcome("TT124-KDC-3", in: outcomes).met)
    }

    // MARK: - Missing and wrong data

    @Test("missing fields fail their criteria with “chưa nêu”")
    func missingFields_failWithChuaNeu() throws {
        let (passed, outcomes) = CriteriaEngine.evaluate([:], against: try CriteriaFixtures.tt124())
        #expect(!passed)
        let failed = outcomes.filter { !$0.met }
        #expect(
            failed.map(\.criterion) == [
                "TT124-KDC-1.1", "TT124-KDC-1.2", "TT124-KDC-1.3", "TT124-KDC-2", "TT124-KDC-3",
            ])
        #expect(failed.allSatisfy { $0.reason.hasPrefix("Chưa đạt: báo cáo chưa nêu ") })
        #expect(
            try Self.outcome("TT124-KDC-1.1", in: outcomes).reason
                == "Chưa đạt: báo cáo chưa nêu nghị quyết của chi bộ trong quý I \(Self.citation1)")
        #expect(
            try Self.outcome("TT124-KDC-1.3", in: outcomes).reason
                == "Chưa đạt: báo cáo chưa nêu đủ số liệu về hộ gia đình đăng ký \(Self.citation1)")
        // The criterion needs the unit to state its incidents, even as an empty list.
        #expect(try Self.outcome("TT124-KDC-3", in: outcomes).reason.contains("chưa nêu tình hình các vụ việc"))
    }

    @Test(
        "a field of the wrong type counts as not stated",
        arguments: [
            ("party_resolution_q1", JSONValue.string("có"), "TT124-KDC-1.1"),
            ("registered_q1", JSONValue.number(1), "TT124-KDC-1.2"),
            ("households_total", JSONValue.number(100.5), "TT124-KDC-1.3"),
            ("households_registered", JSONValue.string("100"), "TT124-KDC-1.3"),
            ("policy_implemented", JSONValue.null, "TT124-KDC-2"),
        ]
    )
    func wrongType_notStated(field: String, value: JSONValue, criterion: String) throws {
        let (passed, outcomes) = CriteriaEngine.evaluate(
            CriteriaFixtures.data([field: value]), against: try CriteriaFixtures.tt124())
        #expect(!passed)
        #expect(outcomes.filter { !$0.met }.map(\.criterion) == [criterion])
        #expect(try Self.outcome(criterion, in: outcomes).reason.contains("chưa nêu"))
    }

    @Test("a yes/no field answered no fails with “chưa có”")
    func answeredNo_failsWithChuaCo() throws {
        let data = CriteriaFixtures.data(["party_resolution_q1": .bool(false)])
        let (_, outcomes) = CriteriaEngine.evaluate(data, against: try CriteriaFixtures.tt124())
        #expect(outcomes.filter { !$0.met }.map(\.criterion) == ["TT124-KDC-1.1"])
        #expect(
            try Self.outcome("TT124-KDC-1.1", in: outcomes).reason
                == "Chưa đạt: chưa có nghị quyết của chi bộ trong quý I \(Self.citation1)")
    }

    @Test("an at_least rule compares the count with its minimum and says both")
    func atLeast_rule() throws {
        let set = try CriteriaFixtures.set(
            submissionKinds: ["yearly_report"],
            criteria: [
                CriteriaFixtures.criterion(
                    "T-1", rule: #"{"type": "at_least", "field": "security_teams", "minimum": 2, "label": "tổ"}"#)
            ]
        )
        let met = CriteriaEngine.evaluate(["security_teams": .number(2)], against: set)
        #expect(met.passed)
        #expect(
            met.criteria.first?.reason == "Đạt: 2 tổ, yêu cầu ít nhất 2 (Văn bản thử, tiêu chí T-1).")
        let short = CriteriaEngine.evaluate(["security_teams": .number(1)], against: set)
        #expect(!short.passed)
        #expect(
            short.criteria.first?.reason
                == "Chưa đạt: 1 tổ, yêu cầu ít nhất 2 (Văn bản thử, tiêu chí T-1).")
        let missing = CriteriaEngine.evaluate([:], against: set)
        #expect(
            missing.criteria.first?.reason
                == "Chưa đạt: báo cáo chưa nêu số tổ (Văn bản thử, tiêu chí T-1).")
    }

    // MARK: - Determinism

    @Test("the same input gives the identical result, whatever the field order or how often the set is loaded")
    func sameInput_identicalOutput() throws {
        let data = CriteriaFixtures.data([
            "households_registered": .number(87),
            "security_incidents": .array([.string("kich_dong_gay_roi"), .string("pha_hoai")]),
            "registered_q1": nil,
        ])
        var reordered: [String: JSONValue] = [:]
        for key in data.keys.sorted().reversed() { reordered[key] = data[key] }

        let set = try CriteriaFixtures.tt124()
        let first = CriteriaEngine.evaluate(data, against: set)
        let results = [
            CriteriaEngine.evaluate(data, against: set),
            CriteriaEngine.evaluate(reordered, against: set),
            CriteriaEngine.evaluate(data, against: try CriteriaFixtures.tt124()),
        ]
        for result in results {
            #expect(result.passed == first.passed)
            #expect(result.criteria == first.criteria)
            #expect(
                CriteriaEngine.summary(passed: result.passed, criteria: result.criteria, set: set)
                    == CriteriaEngine.summary(passed: first.passed, criteria: first.criteria, set: set))
        }
        #expect(
            first.criteria.filter { !$0.met }.map(\.criterion) == ["TT124-KDC-1.2", "TT124-KDC-1.3", "TT124-KDC-3"])
    }
}
