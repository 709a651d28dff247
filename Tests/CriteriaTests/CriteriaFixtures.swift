import Criteria
import Foundation
import Models

/// The criteria data the tests use: the real TT124 file, submission data for it, and small sets
/// written as JSON the way data files are.
enum CriteriaFixtures {
    /// The project's `data/criteria/`.
    static let dataDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("../../data/criteria")
        .standardizedFileURL

    /// The residential-area set of Circular 124/2021/TT-BCA.
    static let tt124File = dataDirectory.appendingPathComponent("tt124-khu-dan-cu.v1.json")

    static func tt124() throws -> CriteriaSet {
        try JSONDecoder().decode(CriteriaSet.self, from: Data(contentsOf: tt124File))
    }

    /// A self-assessment that meets every TT124 criterion.
    static let goodData: [String: JSONValue] = [
        "party_resolution_q1": .bool(true),
        "registered_q1": .bool(true),
        "households_total": .number(100),
        "households_registered": .number(100),
        "policy_implemented": .bool(true),
        "security_incidents": .array([]),
    ]

    /// ``goodData`` with `changes` applied; a `nil` value removes the field.
    static func data(_ changes: [String: JSONValue?]) -> [String: JSONValue] {
        var data = goodData
        for (field, value) in changes { data[field] = value }
        return data
    }

    /// A criterion as a data file writes it; `rule` is the rule's JSON object.
    static func criterion(_ id: String, rule: String) -> String {
        #"{"id": "\#(id)", "text": "Tiêu chí \#(id).", "source": "tiêu chí \#(id)", "rule": \#(rule)}"#
    }

    /// A rule that reads a field every self-assessment has.
    static let yesRule = #"{"type": "yes", "field": "policy_implemented", "label": "việc thực hiện chính sách"}"#

    /// A criteria set's JSON, as a data file holds it.
    static func setJSON(
        id: String = "TEST", version: String = "1", unitKinds: [String] = ["residential_area"],
        submissionKinds: [String] = ["self_assessment"], validFrom: Int = 2022, validTo: Int? = nil, criteria: [String]
    ) -> String {
        """
        {
          "id": "\(id)", "version": "\(version)", "title": "Bộ tiêu chí thử \(id)", "legal_source": "Văn bản thử",
          "unit_kinds": \(list(unitKinds)), "submission_kinds": \(list(submissionKinds)),
          "valid_from_year": \(validFrom), "valid_to_year": \(validTo.map(String.init) ?? "null"),
          "criteria": [\(criteria.joined(separator: ", "))]
        }
        """
    }

    /// Decodes a set made by ``setJSON(id:version:unitKinds:submissionKinds:validFrom:validTo:criteria:)``.
    static func set(
        id: String = "TEST", version: String = "1", unitKinds: [String] = ["residential_area"],
        submissionKinds: [String] = ["self_assessment"], validFrom: Int = 2022, validTo: Int? = nil,
        criteria: [String] = [criterion("T-1", rule: yesRule)]
    ) throws -> CriteriaSet {
        let json = setJSON(
            id: id, version: version, unitKinds: unitKinds, submissionKinds: submissionKinds, validFrom: validFrom,
            validTo: validTo, criteria: criteria
        )
        return try JSONDecoder().decode(CriteriaSet.self, from: Data(json.utf8))
    }

    private static func list(_ names: [String]) -> String {
        "[" + names.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    }
}
