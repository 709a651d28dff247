import Foundation
import Models
import Testing

@Suite("JSONParser")
struct JSONParserTests {
    func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test("parses every JSON type and agrees with JSONDecoder")
    func agreesWithFoundation() throws {
        let text = #"""
            {"a": [1, -2.5, 3e2, 0, -0.0, 1E-2], "b": {"c": null, "d": true, "e": false},
             "s": "Thôn Nà Tông \"x\" \\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00", "empty": {}, "list": []}
            """#
        let ours = try parse(text)
        let theirs = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(ours == theirs)
        #expect(ours.object?["s"]?.string?.hasSuffix("é 😀") == true)
        #expect(ours.object?["a"]?.array?.first?.integer == 1)
    }

    @Test(
        "refuses what RFC 8259 refuses, saying where",
        arguments: [
            ("", "end of input"), ("{", "quoted key"), ("[1,]", "unexpected character"), ("{\"a\":1,}", "quoted key"),
            ("01", "leading zero"), ("1.", "after '.'"), ("-", "digit"), ("1e", "exponent"), ("tru", "end of input"),
            ("trux", "literal"),
            ("\"abc", "unterminated"), ("\"a\u{01}\"", "control character"), ("\"\\x\"", "invalid escape"),
            ("\"\\ud800\"", "lone high surrogate"), ("\"\\udc00\"", "lone low surrogate"),
            ("{} {}", "after the JSON value"),
            ("// c\n{}", "unexpected character"), ("1e999", "out of range"), ("NaN", "unexpected character"),
        ])
    func refuses(text: String, reason: String) {
        #expect {
            _ = try parse(text)
        } throws: { error in
            (error as? JSONParseError)?.reason.contains(reason) == true
        }
    }

    @Test("refuses invalid UTF-8 and reports the byte offset")
    func invalidUTF8() {
        let bytes: [UInt8] = Array("{\"a\":\"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        #expect(throws: JSONParseError(offset: 6, reason: "string is not valid UTF-8")) { try JSONParser.parse(bytes) }
    }

    @Test("limits nesting depth")
    func depth() throws {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParseError.self) { try parse(deep) }
        let fine = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try parse(fine).array != nil)
    }
}

@Suite("JSONWriter")
struct JSONWriterTests {
    let facts = SubmissionFacts(
        key: "intake-1/a\"b", root: "intake-1/a", version: 2, unit: "TQ-NH-THUONGNONG-KDC01",
        unitKind: .residentialArea,
        area: "TQ-NH", kind: .selfAssessment, period: "2025", acceptedAt: "2025-11-25T12:00:00.000Z"
    )

    @Test("facts, receipts and evaluations: the same bytes as JSONEncoder with sorted keys")
    func sameBytesAsJSONEncoder() throws {
        #expect(facts.jsonBytes == JSONCoding.encode(facts))
        let receipt = Receipt(
            key: facts.key, submissionID: "a\"b", unit: facts.unit, kind: .selfAssessment, period: "2025", version: 2,
            replaces: "a", acceptedAt: facts.acceptedAt, sequence: 42
        )
        #expect(receipt.jsonBytes == JSONCoding.encode(receipt))
        let noReplace = Receipt(
            key: facts.key, submissionID: "a", unit: facts.unit, kind: .selfAssessment, period: "2025", version: 1,
            replaces: nil, acceptedAt: facts.acceptedAt, sequence: 1
        )
        #expect(noReplace.jsonBytes == JSONCoding.encode(noReplace))
        #expect(!String(decoding: noReplace.jsonBytes, as: UTF8.self).contains("replaces"))
        #expect(try JSONCoding.decode(Receipt.self, from: noReplace.jsonBytes) == noReplace)
        let evaluation = Evaluation(
            submission: facts, criteriaSet: "TT124-KDC@1", outcome: .failed,
            criteria: [
                CriterionOutcome(
                    criterion: "TT124-KDC-1.3", met: false,
                    reason: "Chưa đạt: 87% hộ gia đình đăng ký (87/100)\ttab\nnewline"),
                CriterionOutcome(criterion: "TT124-KDC-2", met: true, reason: "Đạt: có \\ ký tự \u{01}"),
            ],
            summary: "Chưa đạt", evaluatedAt: facts.acceptedAt, worker: "w1"
        )
        #expect(try JSONCoding.decode(Evaluation.self, from: evaluation.jsonBytes) == evaluation)
        #expect(try Evaluation(body: evaluation.jsonBytes) == evaluation)
        #expect(try Receipt(json: JSONParser.parse(receipt.jsonBytes)) == receipt)
        #expect(try Receipt(json: JSONParser.parse(noReplace.jsonBytes)) == noReplace)
        #expect(try JSONParser.parse(evaluation.jsonBytes) == (try JSONParser.parse(JSONCoding.encode(evaluation))))
    }

    @Test("an evaluation outline reads facts and outcome back")
    func outline() throws {
        let evaluation = Evaluation(
            submission: facts, criteriaSet: nil, outcome: .notApplicable, criteria: [], summary: "x", evaluatedAt: "t",
            worker: "w"
        )
        let outline = try EvaluationOutline(body: evaluation.jsonBytes)
        #expect(outline.submission == facts)
        #expect(outline.outcome == .notApplicable)
        #expect(throws: WireError.self) { try EvaluationOutline(body: Array("{}".utf8)) }
    }

    @Test("skipping members leaves them out of the top-level object only, and still checks their structure")
    func skippingMembers() throws {
        let text =
            #"{"a": 1, "criteria": [{"reason": "Đạt: \"x\" \\ y", "n": [true, null, -1.5e3]}], "b": {"criteria": 2}}"#
        let value = try JSONParser.parse(Array(text.utf8), skippingMembers: ["criteria"])
        #expect(value == .object(["a": .number(1), "b": .object(["criteria": .number(2)])]))
        for bad in [
            #"{"criteria": "unterminated}"#, #"{"criteria": [1, 2}"#, #"{"criteria": {"k" 1}}"#,
            "{\"criteria\": \"tab\there\"}", #"{"criteria": tru}"#, #"{"criteria": [1,]}"#,
            #"{"criteria": "\"#,
        ] {
            #expect(throws: JSONParseError.self, "\(bad)") {
                try JSONParser.parse(Array(bad.utf8), skippingMembers: ["criteria"])
            }
        }
        let deep = "{\"criteria\": " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(deep.utf8), skippingMembers: ["criteria"]) }
    }

    @Test("strings read eight bytes at a time: a quote, escape or control character at every offset is found")
    func stringsAtEveryOffset() throws {
        // Vietnamese text (multi-byte UTF-8) around one special sequence, at every position of a word.
        for length in 0..<24 {
            for special in ["\\\"", "\\\\", "\\n", "\\u00e2", ""] {
                let plain = String(repeating: "ạ", count: length / 2) + String(repeating: "x", count: length % 2)
                let inner = plain + special + plain
                let expected = try #require(
                    try JSONSerialization.jsonObject(with: Data("[\"\(inner)\"]".utf8)) as? [String]
                ).first
                #expect(try JSONParser.parse(Array("\"\(inner)\"".utf8)) == .string(expected ?? ""), "\(inner)")
                let skipped = try JSONParser.parse(
                    Array("{\"s\": \"\(inner)\", \"a\": 1}".utf8), skippingMembers: ["s"])
                #expect(skipped == .object(["a": .number(1)]), "\(inner)")
                // A raw control character is refused wherever it is, read or skipped.
                let raw = "\"" + plain + "\u{01}" + plain + "\""
                #expect(throws: JSONParseError.self, "\(length)") { try JSONParser.parse(Array(raw.utf8)) }
                #expect(throws: JSONParseError.self, "\(length)") {
                    try JSONParser.parse(Array("{\"s\": \(raw)}".utf8), skippingMembers: ["s"])
                }
            }
        }
    }
}
