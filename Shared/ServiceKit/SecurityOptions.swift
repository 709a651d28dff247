import ArgumentParser
import Logging
import Models
import Security

/// How a service protects its endpoints (decision 0017): CURVE keys and an allowlist, or plain TCP
/// on loopback only when asked for by name.
public struct SecurityOptions: ParsableArguments, Sendable {
    @Option(help: "This service's CURVE key pair file (antq keys generate). With --allowlist: CURVE on.")
    public var curveKey: String?

    @Option(help: "The public keys allowed to connect and who each is (JSON; reloaded on change or SIGHUP).")
    public var allowlist: String?

    @Flag(help: "Plain TCP without keys, refused on any address but loopback: one machine's tests and demos.")
    public var insecureLoopback = false

    public init() {}

    public func validate() throws {
        if insecureLoopback {
            guard curveKey == nil, allowlist == nil else {
                throw ValidationError(
                    "Please give either --insecure-loopback or --curve-key with --allowlist, not both.")
            }
            return
        }
        guard curveKey != nil, allowlist != nil else {
            throw ValidationError(
                "Please give --curve-key FILE and --allowlist FILE (make keys with antq keys generate), or --insecure-loopback for plain TCP on loopback."
            )
        }
    }

    /// The setting these flags ask for; plain TCP is logged as a warning.
    public func endpointSecurity(registry: UnitRegistry?, logger: Logger) throws -> EndpointSecurity {
        guard let curveKey, let allowlist, !insecureLoopback else {
            logger.warning("plain TCP without CURVE (--insecure-loopback): loopback endpoints only, no authentication")
            return .insecureLoopback
        }
        let authority = try KeyAuthority(path: allowlist, registry: registry, logger: logger)
        authority.reloadOnHangup()
        logger.info(
            "CURVE on", metadata: ["allowlist": "\(allowlist)", "keys": "\(authority.allowlist.identities.count)"])
        return .curve(keys: try KeyFile.loadPair(curveKey), authority: authority)
    }
}
