import Hummingbird
import Logging
import Synchronization

/// Counts answered requests by status code, for `/metrics` (`antq_http_requests_total`).
public final class RequestCounter: RouterMiddleware, Sendable {
    public typealias Context = BasicRequestContext
    /// One per process: a service has one HTTP listener.
    public static let shared = RequestCounter()

    private let counts = Mutex<[Int: Int]>([:])
    private static let logger = Logger(label: "antq.http")

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            let response = try await next(request, context)
            record(response.status.code)
            return response
        } catch let error as HTTPError {
            record(error.status.code)
            // Bad input is answered and logged, with what was asked and why it was refused.
            Self.logger.notice(
                "request refused",
                metadata: [
                    "path": "\(request.uri)", "status": "\(error.status.code)", "error": "\(error.body ?? "")",
                ])
            throw error
        } catch {
            record(500)
            Self.logger.error("request failed", metadata: ["path": "\(request.uri)", "error": "\(error)"])
            throw error
        }
    }

    private func record(_ code: Int) { counts.withLock { $0[code, default: 0] += 1 } }

    /// Adds the counts to `text`.
    public func write(to text: inout PrometheusText) {
        for (code, count) in counts.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
            text.counter(
                "antq_http_requests_total", "HTTP requests answered, by status code.", Double(count),
                labels: ["code": "\(code)"])
        }
    }
}
