import CZeroMQ

/// A CURVE long-term key pair in Z85 text (40 characters each), as `zmq_curve_keypair` makes it.
public struct CurveKeyPair: Sendable, Equatable {
    public let publicKey: String
    public let secretKey: String

    /// Generates a new key pair. Fails when libzmq was built without CURVE.
    public static func generate() throws(ZeroMQError) -> CurveKeyPair {
        var publicKey = [CChar](repeating: 0, count: 41)
        var secretKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicKey, &secretKey) == 0 else { throw ZeroMQError.last("zmq_curve_keypair") }
        return CurveKeyPair(publicKey: string(publicKey), secretKey: string(secretKey))
    }

    private static func string(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The pair whose secret key is `secretKey` (Z85), its public key derived from it; `nil` when
    /// `secretKey` is not a Z85 CURVE key.
    public static func fromSecret(_ secretKey: String) -> CurveKeyPair? {
        guard decode(secretKey) != nil else { return nil }
        var publicKey = [CChar](repeating: 0, count: 41)
        let derived = secretKey.withCString { zmq_curve_public(&publicKey, $0) }
        guard derived == 0 else { return nil }
        return CurveKeyPair(publicKey: string(publicKey), secretKey: secretKey)
    }

    /// The 32 bytes of a Z85 key (40 characters); `nil` for anything else.
    public static func decode(_ z85: String) -> [UInt8]? {
        guard z85.utf8.count == 40 else { return nil }
        var key = [UInt8](repeating: 0, count: 32)
        let decoded = z85.withCString { zmq_z85_decode(&key, $0) }
        return decoded == nil ? nil : key
    }

    /// A 32-byte key in Z85 (40 characters).
    public static func encode(_ key: [UInt8]) -> String? {
        guard key.count == 32 else { return nil }
        var text = [CChar](repeating: 0, count: 41)
        let encoded = zmq_z85_encode(&text, key, key.count)
        return encoded == nil ? nil : string(text)
    }

    /// The public key's 32 bytes.
    public var publicKeyBytes: [UInt8] { Self.decode(publicKey) ?? [] }
    /// The secret key's 32 bytes.
    public var secretKeyBytes: [UInt8] { Self.decode(secretKey) ?? [] }
}

/// A CURVE client's settings: its own key pair and the public key of the server it connects to.
public struct CurveClient: Sendable, Equatable {
    public let keys: CurveKeyPair
    /// The server's public key in Z85.
    public let serverKey: String

    public init(keys: CurveKeyPair, serverKey: String) {
        self.keys = keys
        self.serverKey = serverKey
    }

    /// The options that make a socket this client (set before `connect`).
    public var options: [SocketOption] {
        [
            .curveServerKey(CurveKeyPair.decode(serverKey) ?? []), .curvePublicKey(keys.publicKeyBytes),
            .curveSecretKey(keys.secretKeyBytes),
        ]
    }
}
