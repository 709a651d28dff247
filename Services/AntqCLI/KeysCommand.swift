import ArgumentParser
import Foundation
import Models
import Security

/// `antq keys generate NAME`: a CURVE key pair for a service or an agency; `antq keys allow` and
/// `antq keys revoke`: its entry in an allowlist (decision 0017).
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "CURVE keys for services and agencies.",
        subcommands: [Generate.self, Allow.self, Revoke.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Writes NAME.key (the key pair; only you may read it, mode 0600) and NAME.pub (the public key, to hand out)."
        )

        @Argument(help: "The key's name, e.g. intake-tq or agency-TQ-SD (letters, digits, '-', '_', '.').")
        var name: String
        @Option(help: "Where to write the two files.") var directory = "keys"

        func run() throws {
            let (pair, secret, shared) = try KeyFile.generate(
                name: name, directory: URL(fileURLWithPath: directory))
            print("public key: \(pair.publicKey)")
            print("wrote \(secret.path) (secret, mode 0600) and \(shared.path)")
        }
    }

    struct Allow: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Lists a public key in an allowlist with its role (and an agency's unit), replacing its earlier entry."
        )

        @Argument(help: "The public key: a .pub file or the 40-character key.") var key: String
        @Option(help: "agency, intake_node, evaluation_worker, subscriber or operator.") var role: String
        @Option(help: "An agency's registry unit, e.g. TQ-SD.") var unit: String?
        @Option(help: "A note for people reading the file, e.g. who holds the key.") var comment: String?
        @Option(help: "The allowlist file (created if missing).") var allowlist: String
        @Option(help: "Unit registry file, to check an agency's unit.") var registry = "data/units/tuyen-quang.json"

        func run() throws {
            let publicKey = try KeyFile.publicKey(key)
            var entry: [String: String] = ["public_key": publicKey, "role": role]
            entry["unit"] = unit
            entry["comment"] = comment
            try AllowlistFile.update(allowlist, registry: registry) { entries in
                entries.removeAll { $0["public_key"] as? String == publicKey }
                entries.append(entry)
            }
            print("\(allowlist): \(publicKey) is \(role)\(unit.map { " \($0)" } ?? "")")
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Takes a public key off an allowlist: services refuse it within a second.")

        @Argument(help: "The public key: a .pub file or the 40-character key.") var key: String
        @Option(help: "The allowlist file.") var allowlist: String
        @Option(help: "Unit registry file, to check the list still loads.") var registry = "data/units/tuyen-quang.json"

        func run() throws {
            let publicKey = try KeyFile.publicKey(key)
            var removed = 0
            try AllowlistFile.update(allowlist, registry: registry) { entries in
                removed = entries.count
                entries.removeAll { $0["public_key"] as? String == publicKey }
                removed -= entries.count
            }
            guard removed > 0 else { throw ValidationError("\(publicKey) is not in \(allowlist).") }
            print("\(allowlist): \(publicKey) removed")
        }
    }
}

/// Edits an allowlist file as a whole: other entries and their fields are kept, the result must
/// load (`Allowlist.load`) before it replaces the file, and it replaces it at once (a rename), so a
/// service never reads half a file.
enum AllowlistFile {
    static func update(
        _ path: String, registry: String, _ change: (inout [[String: Any]]) -> Void
    ) throws {
        let url = URL(fileURLWithPath: path)
        var document: [String: Any] = ["keys": [[String: Any]]()]
        if FileManager.default.fileExists(atPath: path) {
            guard let existing = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
            else { throw ValidationError("\(path) is not a JSON object {\"keys\": [...]}.") }
            document = existing
        }
        var entries = document["keys"] as? [[String: Any]] ?? []
        change(&entries)
        document["keys"] = entries
        // A name of its own, so two edits at once do not write the same file; the owner and mode of
        // the list it replaces (the services' user must still read it), and on disk before the rename.
        let temporary = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(UUID().uuidString).new")
        try
            (JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]) + Data("\n".utf8))
            .write(to: temporary)
        let keep = (try? FileManager.default.attributesOfItem(atPath: path))?.filter { key, _ in
            [.posixPermissions, .ownerAccountID, .groupOwnerAccountID].contains(key)
        }
        try FileManager.default.setAttributes(keep ?? [.posixPermissions: 0o644], ofItemAtPath: temporary.path)
        let handle = try FileHandle(forWritingTo: temporary)
        try handle.synchronize()
        try handle.close()
        do {
            _ = try Allowlist.load(
                path: temporary.path, registry: try UnitRegistry.load(from: URL(fileURLWithPath: registry)))
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            guard let problem = error as? Allowlist.Problem else { throw error }
            throw ValidationError("\(path) left as it was: " + problem.problems.joined(separator: "; "))
        }
        guard rename(temporary.path, path) == 0 else {
            throw ValidationError("cannot replace \(path): \(String(cString: strerror(errno)))")
        }
    }
}
