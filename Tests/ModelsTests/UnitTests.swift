import Models
import Testing

@Suite("Unit and UnitKind")
struct UnitTests {
    @Test("only units below district level submit reports")
    func submitsReports() {
        let submitting = UnitKind.allCases.filter(\.submitsReports)
        #expect(submitting == [.commune, .ward, .town, .residentialArea, .agency, .enterprise, .school])
    }

    @Test("kinds order from province down, in declaration order")
    func ordering() {
        #expect(UnitKind.province < .district)
        #expect(UnitKind.district < .commune)
        #expect(!(UnitKind.school < .agency))
        #expect([UnitKind.school, .province, .residentialArea].sorted() == [.province, .residentialArea, .school])
    }

    @Test("a unit decodes with snake_case kinds and optional fields, and encodes back")
    func codable() throws {
        let unit = try JSONCoding.decode(
            Unit.self, from: bytes(#"{"id":"T1","name":"Thôn 1","kind":"residential_area"}"#))
        #expect(unit == Unit(id: "T1", name: "Thôn 1", kind: .residentialArea))
        let full = Unit(
            id: "CA", name: "Công an tỉnh", kind: .agency, parent: "TQ", block: "noi-chinh", attributes: ["a"])
        #expect(try JSONCoding.decode(Unit.self, from: JSONCoding.encode(full)) == full)
    }

    @Test("an unknown unit kind does not decode")
    func codable_unknownKind() {
        let error = #expect(throws: WireError.self) {
            try JSONCoding.decode(Unit.self, from: bytes(#"{"id":"X","name":"X","kind":"village"}"#))
        }
        #expect(error?.code == .badRequest)
    }
}
