import Models

/// Why a request to a service did not get an answer the caller can use.
public enum ClientError: Error, CustomStringConvertible {
    /// No answer after every retry (zguide "Lazy Pirate": the server is down or unreachable).
    case noAnswer(endpoint: String, tries: Int)
    /// The server answered with an `error` message.
    case refused(WireError)
    /// The server answered something this client does not understand.
    case unexpectedReply(String)

    public var description: String {
        switch self {
        case .noAnswer(let endpoint, let tries):
            "no answer from \(endpoint) after \(tries) tries; is the service running and the endpoint right?"
        case .refused(let error): "the service refused the request: \(error)"
        case .unexpectedReply(let detail): "unexpected reply: \(detail)"
        }
    }
}
