import Models
import Testing

@Suite("JSONValue")
struct JSONValueTests {
    static func decode(_ text: String) throws -> JSONValue {
        try JSONCoding.decode(JSONValue.self, from: bytes(text))
    }

    static func encode(_ value: JSONValue) -> String {
        String(decoding: JSONCoding.encode(value), as: UTF8.self)
    }

    @Test(
        "decodes each JSON type to its case",
        arguments: [
            ("null", JSONValue.null),
            ("true", .bool(true)),
            ("false", .bool(false)),
            ("0", .number(0)),
            ("1", .number(1)),
            ("-2.5", .number(-2.5)),
            ("1e3", .number(1_000)),
            (#""Thượng Nông""#, .string("Thượng Nông")),
            (#""true""#, .string("true")),
            ("[]", .array([])),
            (#"[1, "a", null, [false]]"#, .array([.number(1), .string("a"), .null, .array([.bool(false)])])),
            ("{}", .object([:])),
            (#"{"a": {"b": [1]}, "c": null}"#, .object(["a": .object(["b": .array([.number(1)])]), "c": .null])),
        ])
    func decode(text: String, expected: JSONValue) throws {
        #expect(try Self.decode(text) == expected)
    }

    @Test("booleans and numbers stay apart: 1 is a number, true a boolean")
    func decode_boolNotNumber() throws {
        #expect(try Self.decode("1").bool == nil)
        #expect(try Self.decode("true").integer == nil)
        #expect(try Self.decode("[1, true]") == .array([.number(1), .bool(true)]))
    }

    @Test(
        "integer is the whole-number value of a number, and nil otherwise",
        arguments: [
            (JSONValue.number(3), 3), (.number(-4), -4), (.number(3.0), 3), (.number(0), 0),
            (.number(8.9e15), 8_900_000_000_000_000),
            (.number(2.5), nil), (.number(1e16), nil), (.number(-1e16), nil), (.string("3"), nil), (.bool(true), nil),
            (.null, nil),
        ] as [(JSONValue, Int?)])
    func integer(value: JSONValue, expected: Int?) {
        #expect(value.integer == expected)
    }

    @Test("each accessor answers only for its own case")
    func accessors() {
        let values: [JSONValue] = [
            .null, .bool(true), .number(1), .string("s"), .array([.null]), .object(["k": .null]),
        ]
        #expect(values.map { $0.bool != nil } == [false, true, false, false, false, false])
        #expect(values.map { $0.string != nil } == [false, false, false, true, false, false])
        #expect(values.map { $0.array != nil } == [false, false, false, false, true, false])
        #expect(values.map { $0.object != nil } == [false, false, false, false, false, true])
        #expect(values.map(\.typeName) == ["null", "boolean", "number", "string", "array", "object"])
        #expect(JSONValue.object(["k": .string("v")]).object?["k"]?.string == "v")
    }

    @Test("whole numbers encode without a fraction, others as decimals")
    func encode_numbers() {
        #expect(Self.encode(.array([.number(3), .number(-0.0), .number(2.5), .number(120)])) == "[3,0,2.5,120]")
    }

    @Test("encoding sorts keys and round trips nested values")
    func encode_roundTrip() throws {
        let value = JSONValue.object([
            "zeta": .array([.bool(false), .null, .string("Xã Thắng Quân")]),
            "alpha": .object(["n": .number(1.25), "m": .number(7)]),
        ])
        let text = Self.encode(value)
        #expect(text == #"{"alpha":{"m":7,"n":1.25},"zeta":[false,null,"Xã Thắng Quân"]}"#)
        #expect(try Self.decode(text) == value)
    }

    @Test("text that is not JSON fails to decode as bad_request")
    func decode_invalid() {
        let error = #expect(throws: WireError.self) { try Self.decode("{nope}") }
        #expect(error?.code == .badRequest)
    }
}
