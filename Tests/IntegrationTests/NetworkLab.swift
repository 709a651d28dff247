import AntqCLI
import Foundation

/// Hosts on one machine: Linux network namespaces joined by veth pairs (iproute2), for tests of
/// what crosses a network. Needs root. Each link is its own point-to-point /24, so no routing.
///
/// Everything it makes is named `antqlab-…` (namespaces) and is removed by ``remove()``, which
/// the owner calls whatever happens; a new lab first sweeps what a killed run left behind.
final class NetworkLab {
    /// A link between two hosts: each end's address and device name (in its host's namespace).
    struct Link {
        let hosts: (String, String)
        let addresses: (String, String)
        let devices: (String, String)

        /// The address `host` has on this link.
        func address(of host: String) -> String { host == hosts.0 ? addresses.0 : addresses.1 }
        /// The device `host` has on this link.
        func device(of host: String) -> String { host == hosts.0 ? devices.0 : devices.1 }
    }

    /// A lab failure: the command and what it printed.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let prefix = "antqlab-"
    private let tag = String(UUID().uuidString.prefix(4)).lowercased()
    private(set) var hosts: [String] = []
    private var links = 0

    /// Whether this process may make namespaces: root with iproute2, and a namespace can really be
    /// made (an unprivileged container's root cannot).
    static let isAvailable: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: ManagedService.ip.path) else { return false }
        let probe = "\(prefix)probe-\(getpid())"
        guard (try? ip(["netns", "add", probe])) != nil else { return false }
        _ = try? ip(["netns", "del", probe])
        return true
    }()

    /// Sweeps what a killed run left: lab namespaces with no process in them (a run going on beside
    /// this one has its services in its namespaces, and is left alone).
    init() throws {
        for stale in try Self.ip(["netns", "list"]).split(separator: "\n") {
            let name = stale.split(separator: " ").first.map(String.init) ?? ""
            guard name.hasPrefix(Self.prefix),
                (try? Self.ip(["netns", "pids", name]))?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true
            else { continue }
            _ = try? Self.ip(["netns", "del", name])
        }
    }

    /// The namespace name of `host`.
    func namespace(_ host: String) -> String { "\(Self.prefix)\(tag)-\(host)" }

    /// Makes a host: a namespace with its loopback up.
    func addHost(_ host: String) throws {
        try Self.ip(["netns", "add", namespace(host)])
        hosts.append(host)
        try Self.ip(["-n", namespace(host), "link", "set", "lo", "up"])
    }

    /// Joins two hosts with a veth pair on a /24 of its own: `a` gets .1, `b` .2.
    func connect(_ a: String, _ b: String) throws -> Link {
        links += 1
        let subnet = "10.213.\(links)"
        let devices = ("aq\(tag)\(links)a", "aq\(tag)\(links)b")
        try Self.ip([
            "link", "add", devices.0, "netns", namespace(a), "type", "veth", "peer", "name", devices.1, "netns",
            namespace(b),
        ])
        for (host, device, address) in [(a, devices.0, "\(subnet).1"), (b, devices.1, "\(subnet).2")] {
            try Self.ip(["-n", namespace(host), "addr", "add", "\(address)/24", "dev", device])
            try Self.ip(["-n", namespace(host), "link", "set", device, "up"])
        }
        return Link(hosts: (a, b), addresses: ("\(subnet).1", "\(subnet).2"), devices: devices)
    }

    /// Takes `link` down or up at `host`'s end (`ip link set … down`): nothing crosses it while down.
    func set(_ link: Link, up: Bool, at host: String) throws {
        try Self.ip(["-n", namespace(host), "link", "set", link.device(of: host), up ? "up" : "down"])
    }

    /// Runs `executable` with `arguments` in `host`'s namespace from `directory`; its status and output.
    func run(
        in host: String, _ executable: URL, _ arguments: [String], directory: URL? = nil
    ) throws -> (status: Int32, output: String) {
        try TestSystem.run(
            ManagedService.ip, ["netns", "exec", namespace(host), executable.path] + arguments, directory: directory)
    }

    /// Deletes every namespace of the lab (their veth devices go with them). Stop the processes first.
    func remove() {
        for host in hosts { _ = try? Self.ip(["netns", "del", namespace(host)]) }
        hosts = []
    }

    @discardableResult
    private static func ip(_ arguments: [String]) throws -> String {
        let result = try TestSystem.run(ManagedService.ip, arguments)
        guard result.status == 0 else {
            throw Failure(description: "ip \(arguments.joined(separator: " ")) failed: \(result.output)")
        }
        return result.output
    }
}
