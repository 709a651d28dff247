import Foundation
import Models
import ZeroMQ

/// Who a key belongs to, as the ZAP handler tells the sockets (`User-Id`): a role and, for an
/// agency, the registry unit it is (`agency:TQ-SD`, `evaluation_worker`, …).
public struct PeerIdentity: Sendable, Hashable, CustomStringConvertible {
    public enum Role: String, Sendable, CaseIterable, Codable {
        /// Submits for its own unit and the units it reports for; supervises its subtree.
        case agency
        /// Another intake node (reads logs, like a subscriber).
        case intakeNode = "intake_node"
        /// Takes leases and reports results.
        case evaluationWorker = "evaluation_worker"
        /// Reads the event logs (reporting, notification).
        case subscriber
        /// The province's operators: queries and re-evaluation, no submissions.
        case operator_ = "operator"
    }

    public let role: Role
    /// The agency's unit in the registry (agencies only).
    public let unit: String?

    public init(role: Role, unit: String? = nil) {
        self.role = role
        self.unit = role == .agency ? unit : nil
    }

    /// Reads a `User-Id` back; `nil` for anything this type did not write.
    public init?(userID: String) {
        let parts = userID.split(separator: ":", maxSplits: 1).map(String.init)
        guard let role = parts.first.flatMap(Role.init(rawValue:)) else { return nil }
        if role == .agency {
            guard parts.count == 2, !parts[1].isEmpty else { return nil }
            self.init(role: role, unit: parts[1])
        } else {
            guard parts.count == 1 else { return nil }
            self.init(role: role)
        }
    }

    /// The `User-Id` form.
    public var userID: String { unit.map { "\(role.rawValue):\($0)" } ?? role.rawValue }
    public var description: String { userID }
}

/// A connection's key and who it was admitted as: the `User-Id` the ZAP handler gives
/// (`agency:TQ-SD|<key>`), so a key taken off the allowlist is refused on connections it already has.
public struct AuthenticatedPeer: Sendable, Hashable {
    public let identity: PeerIdentity
    /// The connection's CURVE public key (Z85).
    public let key: String

    public init(identity: PeerIdentity, key: String) {
        self.identity = identity
        self.key = key
    }

    /// Reads a `User-Id` back (`|` is not a Z85 character); `nil` for anything else.
    public init?(userID: String) {
        guard let bar = userID.lastIndex(of: "|"),
            let identity = PeerIdentity(userID: String(userID[..<bar]))
        else { return nil }
        self.init(identity: identity, key: String(userID[userID.index(after: bar)...]))
    }

    public var userID: String { "\(identity.userID)|\(key)" }
}

/// The keys allowed to connect and who each belongs to (`--allowlist FILE`):
///
/// ```json
/// {"keys": [
///   {"public_key": "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7", "role": "agency", "unit": "TQ-SD",
///    "comment": "Công an huyện Sơn Dương, key of 2026"},
///   {"public_key": "…", "role": "evaluation_worker", "comment": "worker 1 at Sơn Dương"}
/// ]}
/// ```
///
/// Two keys may name the same agency (a rotation: both are valid until the old one is removed).
public struct Allowlist: Sendable, Equatable {
    public let identities: [String: PeerIdentity]

    public init(identities: [String: PeerIdentity]) { self.identities = identities }

    /// A file that cannot be used, with every problem found.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let problems: [String]
        public var description: String { "allowlist \(path): " + problems.joined(separator: "; ") }
    }

    private struct File: Decodable {
        struct Entry: Decodable {
            let publicKey: String
            let role: String
            let unit: String?
            enum CodingKeys: String, CodingKey {
                case publicKey = "public_key"
                case role, unit
            }
        }
        let keys: [Entry]
    }

    /// Loads and checks `path`; an agency's unit must be in `registry` when one is given.
    public static func load(path: String, registry: UnitRegistry?) throws -> Allowlist {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw Problem(path: path, problems: ["cannot be read as {\"keys\": [...]} (\(error))"])
        }
        var identities: [String: PeerIdentity] = [:]
        var problems: [String] = []
        for (index, entry) in file.keys.enumerated() {
            let at = "keys[\(index)]"
            guard CurveKeyPair.decode(entry.publicKey) != nil else {
                problems.append("\(at).public_key is not a 40-character Z85 key")
                continue
            }
            guard let role = PeerIdentity.Role(rawValue: entry.role) else {
                problems.append(
                    "\(at).role \(entry.role) is not one of "
                        + PeerIdentity.Role.allCases.map(\.rawValue).joined(separator: ", "))
                continue
            }
            if role == .agency {
                guard let unit = entry.unit, !unit.isEmpty else {
                    problems.append("\(at): an agency needs its unit")
                    continue
                }
                if let registry, registry[unit] == nil {
                    problems.append("\(at).unit \(unit) is not in the registry")
                    continue
                }
            }
            let identity = PeerIdentity(role: role, unit: entry.unit)
            if let earlier = identities[entry.publicKey], earlier != identity {
                problems.append("\(at): the key is listed already as \(earlier)")
                continue
            }
            identities[entry.publicKey] = identity
        }
        guard problems.isEmpty else { throw Problem(path: path, problems: problems) }
        return Allowlist(identities: identities)
    }
}
