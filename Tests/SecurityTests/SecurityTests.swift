import Foundation
import Logging
import Models
import Security
import Testing
import ZeroMQ

@Suite("Security: keys, allowlist, permissions")
struct SecurityModuleTests {
    /// The project's registry: districts, communes, residential areas reported by their commune.
    static func registry() throws -> UnitRegistry {
        try UnitRegistry.load(
            from: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("data/units/tuyen-quang.json"))
    }

    static func directory() -> URL {
        URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("antq-keys-\(UUID().uuidString.prefix(8))")
    }

    @Test("a generated key file loads back; one that others may read, or that exists, is refused")
    func keyFiles() throws {
        let directory = Self.directory()
        let (pair, secret, shared) = try KeyFile.generate(name: "intake-tq", directory: directory)
        #expect(try KeyFile.loadPair(secret.path) == pair)
        #expect(try KeyFile.publicKey(shared.path) == pair.publicKey)
        #expect(try KeyFile.publicKey(pair.publicKey) == pair.publicKey)
        #expect(throws: KeyFile.Problem.self) { try KeyFile.generate(name: "intake-tq", directory: directory) }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: secret.path)
        do {
            _ = try KeyFile.loadPair(secret.path)
            Issue.record("a key file others may read was loaded")
        } catch {
            #expect("\(error)".contains("chmod 600"))
        }
        #expect(throws: KeyFile.Problem.self) { try KeyFile.generate(name: "../escape", directory: directory) }
    }

    @Test("the example allowlist loads; every problem of a bad one is named")
    func allowlistFiles() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let example = try Allowlist.load(
            path: root.appendingPathComponent("data/security/allowlist.example.json").path,
            registry: try Self.registry())
        #expect(example.identities.values.contains(PeerIdentity(role: .agency, unit: "TQ-SD-DONGTHO")))
        let key = try CurveKeyPair.generate().publicKey
        let bad = Self.directory().appendingPathExtension("json")
        try Data(
            """
            {"keys": [{"public_key": "short", "role": "agency", "unit": "TQ-SD"},
                      {"public_key": "\(key)", "role": "king"},
                      {"public_key": "\(key)", "role": "agency", "unit": "NOWHERE"},
                      {"public_key": "\(key)", "role": "agency"}]}
            """.utf8
        ).write(to: bad)
        do {
            _ = try Allowlist.load(path: bad.path, registry: try Self.registry())
            Issue.record("a bad allowlist loaded")
        } catch let problem as Allowlist.Problem {
            #expect(problem.problems.count == 4)
            #expect(problem.description.contains("keys[2].unit NOWHERE is not in the registry"))
        }
    }

    @Test("identities survive the User-Id round trip; foreign ones do not read")
    func userIDs() {
        for identity in [PeerIdentity(role: .agency, unit: "TQ-SD"), PeerIdentity(role: .evaluationWorker)] {
            #expect(PeerIdentity(userID: identity.userID) == identity)
        }
        let key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
        let peer = AuthenticatedPeer(identity: PeerIdentity(role: .agency, unit: "TQ-SD"), key: key)
        #expect(AuthenticatedPeer(userID: peer.userID) == peer)
        #expect(AuthenticatedPeer(userID: "agency:TQ-SD") == nil)
        for foreign in ["", "agency", "agency:", "king:TQ", "subscriber:TQ-SD"] {
            #expect(PeerIdentity(userID: foreign) == nil)
        }
    }

    @Test("an agency submits for itself, what it reports for and its subtree; nothing else; other roles never")
    func submitting() throws {
        let registry = try Self.registry()
        let district = PeerIdentity(role: .agency, unit: "TQ-SD")
        let commune = PeerIdentity(role: .agency, unit: "TQ-SD-DONGTHO")
        for (identity, unit) in [
            (district, "TQ-SD"), (district, "TQ-SD-DONGTHO-KDC01"), (commune, "TQ-SD-DONGTHO-KDC02"),
        ] {
            #expect(
                Permissions.refusalToSubmit(identity, for: unit, period: Period(year: 2025), registry: registry) == nil,
                "\(identity) \(unit)")
        }
        #expect(
            Permissions.refusalToSubmit(commune, for: "TQ-SD", period: Period(year: 2025), registry: registry) != nil)
        #expect(
            Permissions.refusalToSubmit(
                commune, for: "TQ-HY-MINHHUONG-KDC01", period: Period(year: 2025), registry: registry) != nil)
        #expect(
            Permissions.refusalToSubmit(
                PeerIdentity(role: .subscriber), for: "TQ-SD", period: Period(year: 2025), registry: registry) != nil)
        #expect(Permissions.refusalToReview(district, as: "TQ-SD") == nil)
        #expect(Permissions.refusalToReview(commune, as: "TQ-SD") != nil)
    }

    @Test("an operator reads everything; an agency what it could submit for; other roles nothing")
    func reading() throws {
        let registry = try Self.registry()
        let district = PeerIdentity(role: .agency, unit: "TQ-SD")
        let commune = PeerIdentity(role: .agency, unit: "TQ-SD-DONGTHO")
        let operatorKey = PeerIdentity(role: .operator_)
        for period in [Period(year: 2025), nil] {
            #expect(Permissions.refusalToRead(operatorKey, unit: "TQ-HY", period: period, registry: registry) == nil)
            #expect(
                Permissions.refusalToRead(district, unit: "TQ-SD-DONGTHO-KDC01", period: period, registry: registry)
                    == nil)
            #expect(
                Permissions.refusalToRead(commune, unit: "TQ-SD-DONGTHO-KDC02", period: period, registry: registry)
                    == nil)
            let elsewhere = Permissions.refusalToRead(
                commune, unit: "TQ-HY-MINHHUONG-KDC01", period: period, registry: registry)
            #expect(elsewhere == "agency TQ-SD-DONGTHO does not report for unit TQ-HY-MINHHUONG-KDC01")
            #expect(
                Permissions.refusalToRead(
                    PeerIdentity(role: .subscriber), unit: "TQ-SD", period: period, registry: registry) != nil)
        }
        // Without a registry an agency's reach cannot be checked: refused, an operator still reads.
        #expect(Permissions.refusalToRead(commune, unit: "TQ-SD-DONGTHO", period: nil, registry: nil) != nil)
        #expect(Permissions.refusalUnlessOperator(operatorKey, doing: "read the report") == nil)
        #expect(
            Permissions.refusalUnlessOperator(district, doing: "read the report")
                == "only an operator key may read the report")
    }

    @Test("the request gate: plain TCP checks nobody; CURVE needs a vouched identity still listed, within its rate")
    func gate() throws {
        let clock = ContinuousClock()
        var plain = RequestGate(security: .insecureLoopback, limiter: RateLimiter(rate: 1, burst: 1))
        for _ in 0..<3 {
            guard case .success(nil) = plain.admit(userID: nil, now: clock.now) else {
                Issue.record("plain TCP refused a request")
                return
            }
        }
        let directory = Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let listed = try CurveKeyPair.generate()
        let removed = try CurveKeyPair.generate()
        let allowlist = directory.appendingPathComponent("allowlist.json")
        try Data(#"{"keys": [{"public_key": "\#(listed.publicKey)", "role": "agency", "unit": "TQ-SD"}]}"#.utf8)
            .write(to: allowlist)
        let authority = try KeyAuthority(
            path: allowlist.path, registry: try Self.registry(), logger: Logger(label: "test"))
        var gate = RequestGate(
            security: .curve(keys: try CurveKeyPair.generate(), authority: authority),
            limiter: RateLimiter(rate: 1, burst: 2))
        let agency = PeerIdentity(role: .agency, unit: "TQ-SD")
        let now = clock.now
        guard case .failure(.unidentified) = gate.admit(userID: nil, now: now) else {
            Issue.record("a message without a vouched identity was admitted")
            return
        }
        let stale = AuthenticatedPeer(identity: agency, key: removed.publicKey).userID
        guard case .failure(.noLongerListed) = gate.admit(userID: stale, now: now) else {
            Issue.record("a key off the allowlist was admitted")
            return
        }
        let sender = AuthenticatedPeer(identity: agency, key: listed.publicKey).userID
        for _ in 0..<2 {
            guard case .success(agency) = gate.admit(userID: sender, now: now) else {
                Issue.record("a listed key within its burst was refused")
                return
            }
        }
        guard case .failure(let refusal) = gate.admit(userID: sender, now: now), case .overLimit = refusal else {
            Issue.record("a third request at once passed a burst of 2")
            return
        }
        #expect(refusal.error.code == .tooManyRequests && refusal.error.message.contains("retry after 1000 ms"))
        #expect(refusal.peer == agency)
    }

    @Test("plain TCP only on loopback")
    func loopback() {
        for endpoint in ["tcp://127.0.0.1:7101", "tcp://[::1]:1", "tcp://localhost:2", "ipc:///tmp/x", "inproc://y"] {
            #expect(EndpointSecurity.isLoopback(endpoint), "\(endpoint)")
        }
        for endpoint in [
            "tcp://0.0.0.0:7101", "tcp://10.0.0.5:1", "tcp://*:3", "tcp://127example.com:1", "tcp://127.evil.com:1",
        ] {
            #expect(!EndpointSecurity.isLoopback(endpoint), "\(endpoint)")
        }
    }
}

@Suite("RateLimiter")
struct RateLimiterTests {
    @Test("--rate-limit N: N a second in bursts of 10×N; 0 for no limit")
    func perSecond() {
        #expect(RateLimiter.perSecond(0) == nil)
        #expect(RateLimiter.perSecond(50).map { [$0.rate, $0.burst] } == [50, 500])
    }

    @Test("a burst goes through, then one request per 1/rate; another sender is not slowed")
    func tokenBucket() {
        var limiter = RateLimiter(rate: 10, burst: 5)
        let start = ContinuousClock.now
        for _ in 0..<5 { #expect(limiter.admit("agency:A", now: start) == nil) }
        let wait = limiter.admit("agency:A", now: start)
        #expect(wait == .milliseconds(100))
        #expect(limiter.admit("agency:B", now: start) == nil)
        #expect(limiter.admit("agency:A", now: start + .milliseconds(50)) == .milliseconds(50))
        #expect(limiter.admit("agency:A", now: start + .milliseconds(100)) == nil)
        // A quiet spell refills at most to the burst.
        for _ in 0..<5 { #expect(limiter.admit("agency:A", now: start + .seconds(60)) == nil) }
        #expect(limiter.admit("agency:A", now: start + .seconds(60)) != nil)
    }
}
