import Foundation
import ZeroMQ

/// CURVE key files: `NAME.key` holds a key pair and only its owner may read it (mode 0600);
/// `NAME.pub` holds the public key, to hand to whoever lists or connects to the key's holder.
///
/// ```
/// # antq CURVE key pair "intake-tq" — secret: keep this file mode 0600
/// public-key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
/// secret-key = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"
/// ```
public enum KeyFile {
    /// A key file that cannot be used, saying which and why.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let reason: String
        public var description: String { "key file \(path): \(reason)" }
    }

    /// Generates a key pair and writes `NAME.key` (0600) and `NAME.pub` (0644) in `directory`.
    /// An existing key file is never overwritten.
    @discardableResult
    public static func generate(name: String, directory: URL) throws -> (pair: CurveKeyPair, secret: URL, public: URL) {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw Problem(path: name, reason: "a key name is letters, digits, '-', '_' and '.'")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let secret = directory.appendingPathComponent("\(name).key")
        let shared = directory.appendingPathComponent("\(name).pub")
        for file in [secret, shared] where FileManager.default.fileExists(atPath: file.path) {
            throw Problem(path: file.path, reason: "exists already; move it away to make a new key")
        }
        let pair = try CurveKeyPair.generate()
        try write(
            "# antq CURVE key pair \"\(name)\" — secret: keep this file mode 0600\npublic-key = \"\(pair.publicKey)\"\nsecret-key = \"\(pair.secretKey)\"\n",
            to: secret, mode: 0o600)
        try write(
            "# antq CURVE public key \"\(name)\": give it to whoever lists this key or connects to it\npublic-key = \"\(pair.publicKey)\"\n",
            to: shared, mode: 0o644)
        return (pair, secret, shared)
    }

    /// Reads the key pair of a `.key` file; refuses one that others may read.
    public static func loadPair(_ path: String) throws -> CurveKeyPair {
        // The file itself, through a symlink too (a mounted secret often is one).
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw Problem(path: path, reason: "cannot be read (\(String(cString: strerror(errno))))")
        }
        let mode = Int(status.st_mode) & 0o777
        if mode & 0o077 != 0 {
            throw Problem(
                path: path, reason: "others may read it (mode \(String(mode, radix: 8))): run chmod 600 \(path)")
        }
        let fields = try read(path)
        guard let secret = fields["secret-key"] else { throw Problem(path: path, reason: "no secret-key line") }
        guard let pair = CurveKeyPair.fromSecret(secret) else {
            throw Problem(path: path, reason: "secret-key is not a 40-character Z85 CURVE key")
        }
        if let listed = fields["public-key"], listed != pair.publicKey {
            throw Problem(path: path, reason: "public-key does not belong to secret-key")
        }
        return pair
    }

    /// The public key of a `.pub` or `.key` file, or `text` itself when it is a Z85 key (a file
    /// comes first: a 40-character path can look like a key).
    public static func publicKey(_ text: String) throws -> String {
        if CurveKeyPair.decode(text) != nil, !FileManager.default.fileExists(atPath: text) { return text }
        guard let key = try read(text)["public-key"], CurveKeyPair.decode(key) != nil else {
            throw Problem(path: text, reason: "no 40-character Z85 public-key line")
        }
        return key
    }

    /// `name = "value"` lines; `#` starts a comment.
    private static func read(_ path: String) throws -> [String: String] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw Problem(path: path, reason: "cannot be read (\(error.localizedDescription))")
        }
        var fields: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            fields[parts[0]] = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return fields
    }

    /// Creates `url` with `mode` from the start (never readable by others for a moment), refusing
    /// to replace a file or follow a symlink already there.
    private static func write(_ text: String, to url: URL, mode: Int) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(mode))
        guard descriptor >= 0 else {
            throw Problem(path: url.path, reason: "cannot be created (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        // The umask may have taken bits away from a public file; set exactly what was asked.
        _ = fchmod(descriptor, mode_t(mode))
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            throw Problem(path: url.path, reason: "cannot be written (\(String(cString: strerror(errno))))")
        }
    }
}
