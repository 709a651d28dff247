import Foundation

/// Runs `body` on a new thread and returns what it returns.
///
/// A ``RequestClient`` and its socket belong to the thread that makes them, and its calls block, so
/// tests make and use a client inside `body`: the socket never changes threads, and the cooperative
/// pool the tests run on is never blocked.
func onOwnThread<Value: Sendable>(
    _ name: String, _ body: @escaping @Sendable () throws -> Value
) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.name = name
        thread.start()
    }
}

/// Checks `condition` every 2 ms until it holds or `timeout` has passed, and returns its last answer.
@discardableResult
func eventually(within timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while !condition() {
        if clock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return true
}

/// The UTF-8 bytes of `text`.
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

/// `bytes` as text, for correlation ids and bodies that the tests make from text.
func text(_ bytes: [UInt8]) -> String {
    String(decoding: bytes, as: UTF8.self)
}
