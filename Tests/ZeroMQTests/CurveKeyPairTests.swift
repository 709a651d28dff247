import Testing
import ZeroMQ

@Suite("CurveKeyPair")
struct CurveKeyPairTests {
    static let z85Alphabet = Set(
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#")

    @Test("generate gives two 40-character Z85 keys")
    func generate_givesZ85Keys() throws {
        let pair = try CurveKeyPair.generate()
        #expect(pair.publicKey.count == 40)
        #expect(pair.secretKey.count == 40)
        #expect(pair.publicKey.allSatisfy(Self.z85Alphabet.contains))
        #expect(pair.secretKey.allSatisfy(Self.z85Alphabet.contains))
        #expect(pair.publicKey != pair.secretKey)
    }

    @Test("each call makes a new key pair")
    func generate_differsAcrossCalls() throws {
        let first = try CurveKeyPair.generate()
        let second = try CurveKeyPair.generate()
        #expect(first != second)
        #expect(first.publicKey != second.publicKey)
        #expect(first.secretKey != second.secretKey)
    }

    @Test("generated keys secure a connection; a client with the wrong server key gets nothing through")
    func generatedKeys_secureAConnection() throws {
        let server = try CurveKeyPair.generate()
        let client = try CurveKeyPair.generate()
        let impostor = try CurveKeyPair.generate()
        try withTestContext { zmq in
            let pull = try zmq.socket(.pull, [.curveServer(true), .curveSecretKey(Array(server.secretKey.utf8))])
            let endpoint = try Transport.tcp.bind(pull, name: "")

            let wrongKey = try zmq.socket(
                .push,
                [
                    .curveServerKey(Array(impostor.publicKey.utf8)),
                    .curvePublicKey(Array(client.publicKey.utf8)),
                    .curveSecretKey(Array(client.secretKey.utf8)),
                ])
            try wrongKey.connect(endpoint)
            try wrongKey.send([frame("should not arrive")])
            let poller = Poller()
            poller.add(pull)
            #expect(try poller.poll(timeoutMilliseconds: 300) == [false])

            let push = try zmq.socket(
                .push,
                [
                    .curveServerKey(Array(server.publicKey.utf8)),
                    .curvePublicKey(Array(client.publicKey.utf8)),
                    .curveSecretKey(Array(client.secretKey.utf8)),
                ])
            try push.connect(endpoint)
            try push.send([frame("secret")])
            #expect(try pull.receive() == [frame("secret")])
        }
    }
}
