import Models

/// The first check of every request on a protected request endpoint (intake's submissions, the
/// subscribers' queries): who sent it, from the connection's CURVE key, whether that key is still
/// listed, and whether its sender is over the rate limit. What the sender may then ask is the
/// endpoint's own check.
///
/// Owned by the thread that owns the endpoint's socket.
public struct RequestGate: Sendable {
    /// Why a request goes no further.
    public enum Refusal: Error, Sendable {
        /// CURVE is on but the message carries no identity the service's ZAP handler vouched for.
        case unidentified
        /// The key was taken off the allowlist (or given to another unit) after it connected.
        case noLongerListed(AuthenticatedPeer)
        /// The sender is over its rate; the error says how long to wait.
        case overLimit(PeerIdentity, WireError)

        /// Who was refused, when known.
        public var peer: PeerIdentity? {
            switch self {
            case .unidentified: nil
            case .noLongerListed(let peer): peer.identity
            case .overLimit(let peer, _): peer
            }
        }

        /// The answer to send back.
        public var error: WireError {
            switch self {
            case .unidentified:
                WireError(.forbidden, "the connection has no identity")
            case .noLongerListed(let peer):
                WireError(.forbidden, "the key \(peer.key) is no longer in the allowlist")
            case .overLimit(_, let error): error
            }
        }
    }

    private let security: EndpointSecurity
    private var limiter: RateLimiter?

    /// - Parameters:
    ///   - security: the endpoint's setting; with plain TCP nobody is identified or limited.
    ///   - limiter: a rate per sender identity, or `nil` for none.
    public init(security: EndpointSecurity, limiter: RateLimiter?) {
        self.security = security
        self.limiter = limiter
    }

    /// The sender of a message received with `userID` (from `Socket.receiveAuthenticated`): its
    /// identity, `nil` on plain TCP (where nobody is checked), or why it is refused.
    public mutating func admit(
        userID: String?, now: ContinuousClock.Instant
    ) -> Result<PeerIdentity?, Refusal> {
        guard case .curve(_, let authority) = security else { return .success(nil) }
        guard let admitted = userID.flatMap(AuthenticatedPeer.init(userID:)) else { return .failure(.unidentified) }
        guard authority.stillAdmits(admitted) else { return .failure(.noLongerListed(admitted)) }
        let peer = admitted.identity
        if let wait = limiter?.admit(peer.userID, now: now) {
            let milliseconds = wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000
            return .failure(
                .overLimit(
                    peer,
                    WireError(.tooManyRequests, "too many requests from \(peer.userID): retry after \(milliseconds) ms")
                )
            )
        }
        return .success(peer)
    }
}
