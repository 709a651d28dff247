import ArgumentParser
import Foundation
import Security

/// `antq keys generate NAME`: a CURVE key pair for a service or an agency (decision 0017).
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "CURVE keys for services and agencies.", subcommands: [Generate.self])

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
}
