import Models

/// Where a subscriber stands in one producer's log: the pure state machine behind
/// ``EventSubscriber``'s gap detection and catch-up.
///
/// Live events are applied only in order. A gap (a live event past the next one, or a heartbeat
/// announcing more than was applied) switches to catch-up: live events are ignored and replay
/// batches are applied until the log's end as read by the producer; then live again.
public struct ProducerCursor: Sendable, Equatable {
    public enum LiveDecision: Sendable, Equatable {
        /// The next event in order: apply it.
        case apply
        /// Already applied: drop it.
        case duplicate
        /// Catching up: the replay will bring it.
        case ignore
        /// Events were missed: ask for a replay from this sequence.
        case replay(from: UInt64)
    }

    public let producer: String
    /// The last sequence applied (and committed with the subscriber's state).
    public private(set) var lastApplied: UInt64
    public private(set) var isCatchingUp: Bool

    /// Starts caught-up-unknown: the first message decides whether a replay is needed.
    public init(producer: String, lastApplied: UInt64) {
        self.producer = producer
        self.lastApplied = lastApplied
        self.isCatchingUp = false
    }

    /// Decides what to do with a live event of this producer.
    public mutating func live(_ sequence: UInt64) -> LiveDecision {
        if isCatchingUp { return .ignore }
        if sequence <= lastApplied { return .duplicate }
        if sequence == lastApplied + 1 {
            lastApplied = sequence
            return .apply
        }
        isCatchingUp = true
        return .replay(from: lastApplied + 1)
    }

    /// A heartbeat or description says the log ends at `lastSequence`; returns where to replay from, if anywhere.
    public mutating func logEnds(at lastSequence: UInt64) -> UInt64? {
        guard !isCatchingUp, lastSequence > lastApplied else { return nil }
        isCatchingUp = true
        return lastApplied + 1
    }

    /// Takes a replay batch. Returns the events to apply, in order, and where to ask next
    /// (`nil`: caught up, back to live).
    public mutating func batch(_ events: [Event], lastSequence: UInt64) -> (apply: [Event], next: UInt64?) {
        var apply: [Event] = []
        for event in events where event.sequence == lastApplied + 1 {
            apply.append(event)
            lastApplied = event.sequence
        }
        if lastApplied < lastSequence && !apply.isEmpty {
            return (apply, lastApplied + 1)
        }
        isCatchingUp = lastApplied < lastSequence
        return (apply, isCatchingUp ? lastApplied + 1 : nil)
    }

    /// Gives up the current catch-up (the producer refused or garbled it): the next live event or
    /// heartbeat past `lastApplied` starts a new one.
    public mutating func abandonCatchUp() {
        isCatchingUp = false
    }
}
