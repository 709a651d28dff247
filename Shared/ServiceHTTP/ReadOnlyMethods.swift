import Hummingbird
import NIOCore

/// The HTTP side of our services only reads: GET is routed, HEAD is answered as GET without the
/// body (routes added with ``Hummingbird/Router/read(_:use:)``), and any other method gets
/// `405 Method Not Allowed` with `Allow: GET, HEAD`.
public struct ReadOnlyMethods: RouterMiddleware {
    public typealias Context = BasicRequestContext

    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        switch request.method {
        case .get:
            return try await next(request, context)
        case .head:
            var response = try await next(request, context)
            response.body = ResponseBody()
            return response
        default:
            var response = Response(
                status: .methodNotAllowed,
                headers: [.allow: "GET, HEAD", .contentType: "application/json; charset=utf-8"],
                body: ResponseBody(
                    byteBuffer: ByteBuffer(
                        string: #"{"error":{"message":"this service only reads: use GET or HEAD"}}"#)))
            response.headers[.contentLength] = nil
            return response
        }
    }
}

extension Router where Context == BasicRequestContext {
    /// Routes GET and HEAD of `path` to `handler` (``ReadOnlyMethods`` drops the body of a HEAD).
    @discardableResult
    public func read(
        _ path: RouterPath, use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        get(path, use: handler)
        return head(path, use: handler)
    }
}
