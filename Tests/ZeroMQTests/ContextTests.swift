import Dispatch
import Foundation
import Synchronization
import Testing
import ZeroMQ

@Suite("Context")
struct ContextTests {
    @Test("libraryVersion is major.minor.patch of libzmq 4 or later")
    func libraryVersion() throws {
        let parts = Context.libraryVersion.split(separator: ".", omittingEmptySubsequences: false)
        let numbers = parts.compactMap { Int($0) }
        #expect(parts.count == 3)
        #expect(numbers.count == 3)
        #expect((numbers.first ?? 0) >= 4)
    }

    @Test("a context with two I/O threads carries messages over tcp")
    func ioThreads() throws {
        let context = try Context(ioThreads: 2)
        let pull = try context.socket(.pull)
        let push = try context.socket(.push)
        defer {
            push.close()
            pull.close()
        }
        try pull.set([.linger(milliseconds: 0), .receiveTimeout(milliseconds: 5_000)])
        try push.set(.linger(milliseconds: 0))
        try pull.bind("tcp://127.0.0.1:0")
        try push.connect(try pull.lastEndpoint())
        try push.send([frame("two threads")])
        #expect(try pull.receive() == [frame("two threads")])
    }

    @Test("a negative I/O thread count is refused")
    func ioThreads_negative() {
        let error = #expect(throws: ZeroMQError.self) { try Context(ioThreads: -1) }
        #expect(error?.description.contains("ZMQ_IO_THREADS") == true)
    }

    @Test("after shutdown, receive and send throw context-terminated")
    func shutdown() throws {
        try withTestContext { zmq in
            let pull = try zmq.socket(.pull, [.receiveTimeout(milliseconds: -1)])
            try pull.bind("inproc://shutdown")
            let push = try zmq.socket(.push)
            try push.connect("inproc://shutdown")
            zmq.context.shutdown()

            let receiveError = try #require(throws: ZeroMQError.self) { try pull.receive() }
            #expect(receiveError.isContextTerminated)
            #expect(receiveError.message == "Context was terminated")
            let sendError = try #require(throws: ZeroMQError.self) { try push.send([frame("late")]) }
            #expect(sendError.isContextTerminated)
        }
    }

    @Test("an open socket keeps its context alive")
    func socketKeepsContextAlive() throws {
        // If dropping the last reference to the context runs zmq_ctx_term while the socket is open, that
        // thread blocks until the socket closes. So the drop happens on a thread of its own, and the
        // test closes the parked socket afterwards to release it.
        let parked = Mutex<Socket?>(nil)
        let failure = Mutex<String?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            do {
                var context: Context? = try Context()
                try parked.withLock { slot in
                    guard let context else { return }
                    let socket = try context.socket(.pull)
                    try socket.set(.linger(milliseconds: 0))
                    slot = socket
                }
                context = nil
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
            finished.signal()
        }
        thread.start()
        let returned = finished.wait(timeout: .now() + .seconds(2)) == .success

        #expect(returned, "dropping the context blocked while its socket was open")
        parked.withLock { socket in
            socket?.close()
            socket = nil
        }
        if !returned { finished.wait() }
        #expect(failure.withLock { $0 } == nil)
    }
}
