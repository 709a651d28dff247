import Foundation
import Logging
import Models
import ZeroMQ

/// How a service's endpoints are protected: CURVE with its key pair and the allowlist's authority,
/// or, only when asked for with `--insecure-loopback`, plain TCP on loopback addresses.
public enum EndpointSecurity: Sendable {
    case curve(keys: CurveKeyPair, authority: KeyAuthority)
    case insecureLoopback

    /// A server endpoint this setting does not allow (plain TCP off loopback).
    public struct Refusal: Error, CustomStringConvertible, Sendable {
        public let endpoint: String
        public var description: String {
            "\(endpoint) is not a loopback address: plain TCP (--insecure-loopback) is only for 127.0.0.1, ::1 and localhost; give the service --curve-key and --allowlist"
        }
    }

    /// Makes `socket` a CURVE server whose connections the ZAP handler decides (domain `name`), or
    /// checks that an insecure endpoint is on loopback. Call before `bind`.
    public func protect(_ socket: Socket, endpoint: String, name: String) throws {
        switch self {
        case .curve(let keys, _):
            try socket.set([.curveServer(true), .curveSecretKey(keys.secretKeyBytes), .zapDomain(name)])
        case .insecureLoopback:
            guard Self.isLoopback(endpoint) else { throw Refusal(endpoint: endpoint) }
        }
    }

    /// Starts the ZAP handler for `context` when CURVE is on (before any protected socket binds);
    /// the caller stops it when the service ends.
    public func startHandler(context: Context) throws -> ZAPHandler? {
        guard case .curve(_, let authority) = self else { return nil }
        let handler = ZAPHandler(
            context: context, tick: { authority.reloadIfChanged() }, decide: { authority.decide($0) })
        try handler.start()
        return handler
    }

    /// `tcp://127.x.x.x:…`, `tcp://[::1]:…`, `tcp://localhost:…`, and the in-host `ipc://` and `inproc://`.
    public static func isLoopback(_ endpoint: String) -> Bool {
        if endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") { return true }
        guard endpoint.hasPrefix("tcp://"), let colon = endpoint.lastIndex(of: ":") else { return false }
        let host = endpoint[endpoint.index(endpoint.startIndex, offsetBy: "tcp://".count)..<colon]
        if host == "[::1]" || host == "localhost" { return true }
        // An IPv4 literal 127.a.b.c (a name that merely starts with 127. could resolve anywhere).
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { part in UInt8(part) != nil }
    }
}

/// What each kind of key may do; the identity always comes from the connection's key.
public enum Permissions {
    /// Why `identity` may not submit for `unit` in `period`, or `nil` when it may: an agency submits
    /// for its own unit, the units the registry says it reports for, and its subtree, as the tree
    /// stood in that period (the same tree intake's review checks supervisors against).
    public static func refusalToSubmit(
        _ identity: PeerIdentity, for unit: String, period: Period, registry: UnitRegistry
    ) -> String? {
        guard identity.role == .agency else { return "a key of role \(identity.role.rawValue) may not submit" }
        return refusal(identity, toActFor: unit, during: period.window(for: registry[unit]?.kind ?? .commune), registry)
    }

    /// Why `identity` may not read what concerns `unit` (its results, its inbox), or `nil`: an
    /// operator reads everything; an agency what it could submit for, as the tree stood during
    /// `period` (today's tree when `nil`).
    public static func refusalToRead(
        _ identity: PeerIdentity, unit: String, period: Period?, registry: UnitRegistry?
    ) -> String? {
        switch identity.role {
        case .operator_: return nil
        case .agency:
            guard let registry else { return "this service has no unit registry to check unit \(unit) against" }
            if let period {
                return refusal(
                    identity, toActFor: unit, during: period.window(for: registry[unit]?.kind ?? .commune), registry)
            }
            guard let today = Day.today() else { return "today's date is unknown" }
            return refusal(identity, toActFor: unit, during: today...today, registry)
        default: return "a key of role \(identity.role.rawValue) may not read unit \(unit)"
        }
    }

    /// Why `identity` may not ask what only the province's operators may (the whole report, the
    /// delivery queue, the scheduler), or `nil`.
    public static func refusalUnlessOperator(_ identity: PeerIdentity, doing action: String) -> String? {
        identity.role == .operator_ ? nil : "only an operator key may \(action)"
    }

    private static func refusal(
        _ identity: PeerIdentity, toActFor unit: String, during window: ClosedRange<Day>, _ registry: UnitRegistry
    ) -> String? {
        guard identity.role == .agency, let agency = identity.unit else {
            return "a key of role \(identity.role.rawValue) may not act for unit \(unit)"
        }
        if unit == agency || registry.unit(unit, during: window)?.reporter == agency
            || registry.supervisors(of: unit, during: window).contains(agency)
        {
            return nil
        }
        return "agency \(agency) does not report for unit \(unit)"
    }

    /// Why `identity` may not act as `reviewer` (review, sign-off, unlock), or `nil`: only the agency
    /// itself (intake then checks that it supervises the unit).
    public static func refusalToReview(_ identity: PeerIdentity, as reviewer: String) -> String? {
        guard identity.role == .agency, let agency = identity.unit else {
            return "a key of role \(identity.role.rawValue) may not review"
        }
        return agency == reviewer ? nil : "agency \(agency) may not act as reviewer \(reviewer)"
    }
}
