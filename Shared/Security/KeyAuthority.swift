import Dispatch
import Foundation
import Logging
import Models
import Synchronization
import ZeroMQ

/// Decides who may connect, from the allowlist file, and keeps that list current: the file is read
/// again when it changes (checked every second by the ZAP handler's thread) or on SIGHUP. A file
/// that does not load leaves the list in force and logs why, so a typo does not lock everyone out.
public final class KeyAuthority: Sendable {
    private let path: String
    private let registry: UnitRegistry?
    private let logger: Logger
    private let state: Mutex<(allowlist: Allowlist, modified: Date?)>

    /// Loads `path` (it must load: a service does not start on an unusable allowlist).
    public init(path: String, registry: UnitRegistry?, logger: Logger) throws {
        self.path = path
        self.registry = registry
        self.logger = logger
        let modified = Self.modified(path)  // before reading: a change during the read is seen next time
        state = Mutex((try Allowlist.load(path: path, registry: registry), modified))
    }

    /// The current list.
    public var allowlist: Allowlist { state.withLock { $0.allowlist } }

    /// The ZAP decision for a connection: CURVE with a listed key gets in as its identity.
    public func decide(_ request: ZAPHandler.Request) -> ZAPHandler.Decision {
        guard request.mechanism == "CURVE", let key = request.publicKey else {
            logger.warning(
                "connection refused: not CURVE",
                metadata: [
                    "endpoint": "\(request.domain)", "address": "\(request.address)",
                    "mechanism": "\(request.mechanism)",
                ])
            return .deny(reason: "CURVE required")
        }
        guard let identity = state.withLock({ $0.allowlist.identities[key] }) else {
            logger.warning(
                "connection refused: key not in the allowlist",
                metadata: ["endpoint": "\(request.domain)", "address": "\(request.address)", "key": "\(key)"])
            return .deny(reason: "unknown key")
        }
        guard Self.roles(for: request.domain).contains(identity.role) else {
            logger.warning(
                "connection refused: this key's role may not use the endpoint",
                metadata: [
                    "endpoint": "\(request.domain)", "address": "\(request.address)", "key": "\(key)",
                    "identity": "\(identity)",
                ])
            return .deny(reason: "role \(identity.role.rawValue) may not use \(request.domain)")
        }
        return .allow(userID: AuthenticatedPeer(identity: identity, key: key).userID)
    }

    /// Whether `peer`'s key is still listed as the identity it was admitted with: a key removed (or
    /// given to another unit) is refused on connections it opened before.
    public func stillAdmits(_ peer: AuthenticatedPeer) -> Bool {
        state.withLock { $0.allowlist.identities[peer.key] } == peer.identity
    }

    /// The roles that may connect to an endpoint (its ZAP domain); an unknown endpoint admits nobody.
    /// What each may then do is checked per request (intake's submissions: `Permissions`).
    public static func roles(for domain: String) -> Set<PeerIdentity.Role> {
        switch domain {
        case "submissions": [.agency, .operator_]
        case "work": [.evaluationWorker]
        case "publish", "replay": [.subscriber, .intakeNode, .operator_]
        case "query": [.agency, .operator_]
        default: []
        }
    }

    /// Reads the file again if it changed or SIGHUP came; for the ZAP handler's `tick`.
    public func reloadIfChanged() {
        let asked = Hangup.raised.exchange(false, ordering: .acquiringAndReleasing)
        let modified = Self.modified(path)
        guard asked || modified != state.withLock({ $0.modified }) else { return }
        do {
            let allowlist = try Allowlist.load(path: path, registry: registry)
            state.withLock { $0 = (allowlist, modified) }
            logger.info("allowlist reloaded", metadata: ["path": "\(path)", "keys": "\(allowlist.identities.count)"])
        } catch {
            state.withLock { $0.modified = modified }  // not again until it changes
            logger.error("allowlist not reloaded; the previous one stays in force", metadata: ["error": "\(error)"])
        }
    }

    /// Reloads on SIGHUP from now on, at the next tick (the signal no longer ends the process).
    public func reloadOnHangup() {
        _ = Hangup.raised.load(ordering: .relaxed)  // initialised here, never inside the handler
        signal(SIGHUP) { _ in Hangup.raised.store(true, ordering: .relaxed) }
    }

    private static func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}

/// Raised by the SIGHUP handler (an atomic store is safe in a signal handler), read by the tick.
private enum Hangup {
    static let raised = Atomic<Bool>(false)
}
