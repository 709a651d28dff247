import Glibc
import Testing
import ZeroMQ

@Suite("ZeroMQError")
struct ZeroMQErrorTests {
    @Test("message is zmq_strerror's text and description names the operation and errno")
    func description() {
        let error = ZeroMQError(code: EAGAIN, operation: "receive PULL")
        #expect(error.message == String(cString: strerror(EAGAIN)))
        #expect(error.description == "receive PULL: \(String(cString: strerror(EAGAIN))) (errno \(EAGAIN))")
    }

    @Test(
        "each errno sets exactly its flag",
        arguments: [EAGAIN, EINTR, EHOSTUNREACH, EINVAL]
    )
    func flags(code: Int32) {
        let error = ZeroMQError(code: code, operation: "test")
        #expect(error.isWouldBlock == (code == EAGAIN))
        #expect(error.isInterrupted == (code == EINTR))
        #expect(error.isHostUnreachable == (code == EHOSTUNREACH))
        #expect(!error.isContextTerminated)
    }

    @Test("errors compare by code, message and operation")
    func equality() {
        #expect(ZeroMQError(code: EINVAL, operation: "a") == ZeroMQError(code: EINVAL, operation: "a"))
        #expect(ZeroMQError(code: EINVAL, operation: "a") != ZeroMQError(code: EINVAL, operation: "b"))
        #expect(ZeroMQError(code: EINVAL, operation: "a") != ZeroMQError(code: EAGAIN, operation: "a"))
    }
}
