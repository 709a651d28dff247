import Foundation
import Models
import Synchronization

/// The applier's decoding of a batch's events (``EventApplier/prepare(_:)``), done on other cores
/// while the subscriber's thread applies what is decoded already, so decoding and the transaction
/// overlap instead of following each other (docs/performance.md).
///
/// The batch is cut into chunks; decoder threads take them in order, and the subscriber's thread,
/// when the chunk it needs is not ready, decodes the next free one itself rather than wait idle.
/// Decoding touches neither sockets nor the store.
final class PreparedEvents: Sendable {
    typealias Decoded = Result<(any Sendable)?, any Error>

    /// Events per chunk: large enough that handing a chunk over costs little next to decoding it.
    static let chunkSize = 128

    private let events: [Event]
    private let applier: any EventApplier
    private let chunks: [Chunk]
    private let nextChunk = Atomic<Int>(0)

    private final class Chunk: Sendable {
        let decoded = Mutex<[Decoded]?>(nil)
        let ready = DispatchSemaphore(value: 0)
    }

    /// Starts decoding `events`; a batch of fewer than two chunks is decoded at once on this thread.
    init(_ events: [Event], applier: any EventApplier) {
        self.events = events
        self.applier = applier
        let count = (events.count + Self.chunkSize - 1) / Self.chunkSize
        chunks = (0..<count).map { _ in Chunk() }
        guard count > 1 else {
            if count == 1 { decodeNextChunk() }
            return
        }
        let decoders = min(count, max(1, ProcessInfo.processInfo.activeProcessorCount - 1))
        for _ in 0..<decoders {
            DispatchQueue.global(qos: .userInitiated).async { [self] in
                while decodeNextChunk() {}
            }
        }
    }

    /// What ``EventApplier/prepare(_:)`` gave for the event at `index`, once its chunk is decoded.
    func result(at index: Int) -> Decoded {
        let chunk = index / Self.chunkSize
        while true {
            if let decoded = chunks[chunk].decoded.withLock({ $0 }) { return decoded[index % Self.chunkSize] }
            // Not ready: help with the next free chunk; when none is free, wait for this one.
            if !decodeNextChunk() {
                chunks[chunk].ready.wait()
                chunks[chunk].ready.signal()  // for a later caller of the same chunk
            }
        }
    }

    /// Decodes the next chunk nobody has taken; `false` when all are taken.
    @discardableResult
    private func decodeNextChunk() -> Bool {
        let chunk = nextChunk.add(1, ordering: .relaxed).oldValue
        guard chunk < chunks.count else { return false }
        let range = (chunk * Self.chunkSize)..<min(events.count, (chunk + 1) * Self.chunkSize)
        let decoded = events[range].map { event in Result { try applier.prepare(event) } }
        chunks[chunk].decoded.withLock { $0 = decoded }
        chunks[chunk].ready.signal()
        return true
    }
}
