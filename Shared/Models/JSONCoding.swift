import Foundation

/// The JSON settings every message uses: explicit snake_case keys, sorted for stable bytes.
public enum JSONCoding {
    /// Encodes a value the wire format defines. These types cannot fail to encode.
    public static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value))
        } catch {
            // Only non-finite floating-point numbers fail; the wire types have none.
            preconditionFailure("wire value failed to encode: \(error)")
        }
    }

    /// Decodes a JSON body into `type`.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(WireError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw WireError(.badRequest, "body is not a valid \(type): \(error)")
        }
    }
}
