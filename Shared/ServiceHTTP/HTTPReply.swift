import Foundation
import Hummingbird
import NIOCore

/// Responses the services send: JSON the way every other message is encoded, and bytes with a type.
/// Errors are Hummingbird's `HTTPError`: a status and `{"error": {"message": …}}`.
public enum HTTPReply {
    /// `value` as JSON (snake_case keys, sorted, as on the wire elsewhere).
    public static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return bytes(
            Array(try encoder.encode(value)), contentType: "application/json; charset=utf-8", status: status)
    }

    /// Raw bytes with a content type; `download` names the file a browser saves it as.
    public static func bytes(
        _ bytes: [UInt8], contentType: String, status: HTTPResponse.Status = .ok, download: String? = nil
    ) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        if let download { headers[.contentDisposition] = "inline; filename=\"\(download)\"" }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
