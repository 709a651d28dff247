import EventLog
import Models
import Testing

@Suite("ProducerCursor")
struct ProducerCursorTests {
    /// Event `sequence` of producer `intake-1`, with a body that names it.
    static func event(_ sequence: UInt64) -> Event {
        Event(
            producer: "intake-1", sequence: sequence, type: .submissionReceived,
            body: Array(#"{"sequence":\#(sequence)}"#.utf8))
    }

    static func events(_ sequences: some Sequence<UInt64>) -> [Event] {
        sequences.map(event)
    }

    /// A cursor that saw a gap after `lastApplied` and waits for its replay.
    static func catchingUp(after lastApplied: UInt64) -> ProducerCursor {
        var cursor = ProducerCursor(producer: "intake-1", lastApplied: lastApplied)
        #expect(cursor.live(lastApplied + 5) == .replay(from: lastApplied + 1))
        return cursor
    }

    // MARK: - Live events

    @Test("live events in order are applied one after the other")
    func live_inOrder_applies() {
        var cursor = ProducerCursor(producer: "intake-1", lastApplied: 0)
        for sequence in UInt64(1)...5 {
            #expect(cursor.live(sequence) == .apply)
            #expect(cursor.lastApplied == sequence)
        }
        #expect(!cursor.isCatchingUp)
    }

    @Test("a cursor restored from a checkpoint applies the event right after it")
    func live_fromCheckpoint_appliesNext() {
        var cursor = ProducerCursor(producer: "intake-1", lastApplied: 41)
        #expect(cursor.producer == "intake-1")
        #expect(!cursor.isCatchingUp)
        #expect(cursor.live(42) == .apply)
        #expect(cursor.lastApplied == 42)
    }

    @Test("an event already applied is dropped as a duplicate", arguments: [UInt64(1), 4, 5])
    func live_alreadyApplied_isDuplicate(sequence: UInt64) {
        var cursor = ProducerCursor(producer: "intake-1", lastApplied: 5)
        #expect(cursor.live(sequence) == .duplicate)
        #expect(cursor.lastApplied == 5)
        #expect(!cursor.isCatchingUp)
        #expect(cursor.live(6) == .apply)
    }

    @Test(
        "an event past the next one is a gap: replay from the first missing sequence", arguments: [UInt64(7), 8, 1_000])
    func live_gap_asksForReplay(sequence: UInt64) {
        var cursor = ProducerCursor(producer: "intake-1", lastApplied: 5)
        #expect(cursor.live(sequence) == .replay(from: 6))
        #expect(cursor.isCatchingUp)
        #expect(cursor.lastApplied == 5, "nothing is applied before the replay brings the missing events")
    }

    @Test("a fresh cursor at 0 that first hears sequence 3 asks for everything from 1")
    func live_freshCursorGap_replaysFromOne() {
        var cursor = ProducerCursor(producer: "intake-1", lastApplied: 0)
        #expect(cursor.live(3) == .replay(from: 1))
    }

    @Test("while catching up, live events are ignored, even the next one and duplicates")
    func live_whileCatchingUp_ignored() {
        var cursor = Self.catchingUp(after: 5)
        for sequence in [UInt64(6), 7, 10, 11, 5, 1] {
            #expect(cursor.live(sequence) == .ignore, "sequence \(sequence)")
        }
        #expect(cursor.lastApplied == 5)
        #expect(cursor.isCatchingUp)
    }

    // MARK: - Heartbeats and descriptions

    @Test("a heartbeat beyond the last applied event asks for a replay from the next one")
    func logEnds_beyondLastApplied_replays() {
        var cursor = ProducerCursor(producer: "intake-1", lastApplied: 5)
        #expect(cursor.logEnds(at: 9) == 6)
        #expect(cursor.isCatchingUp)
        #expect(cursor.lastApplied == 5)
        #expect(cursor.live(10) == .ignore)
    }

    @Test("a heartbeat at or below the last applied event changes nothing", arguments: [UInt64(0), 3, 5])
    func logEnds_notBeyond_nothing(lastSequence: UInt64) {
        var cursor = ProducerCursor(producer: "intake-1", lastApplied: 5)
        #expect(cursor.logEnds(at: lastSequence) == nil)
        #expect(!cursor.isCatchingUp)
        #expect(cursor.live(6) == .apply)
    }

    @Test("a heartbeat while a replay is out does not ask again")
    func logEnds_whileCatchingUp_nothing() {
        var cursor = Self.catchingUp(after: 5)
        #expect(cursor.logEnds(at: 20) == nil)
        #expect(cursor.isCatchingUp)
    }

    // MARK: - Replay batches

    @Test("a batch that reaches the log's end is applied and the cursor goes back to live")
    func batch_complete_backToLive() {
        var cursor = Self.catchingUp(after: 2)
        let (apply, next) = cursor.batch(Self.events(3...6), lastSequence: 6)
        #expect(apply == Self.events(3...6))
        #expect(next == nil)
        #expect(!cursor.isCatchingUp)
        #expect(cursor.lastApplied == 6)
        #expect(cursor.live(7) == .apply)
    }

    @Test("a partial batch is applied and the next request starts after it")
    func batch_partial_asksForNext() {
        var cursor = Self.catchingUp(after: 0)
        let first = cursor.batch(Self.events(1...3), lastSequence: 10)
        #expect(first.apply.map(\.sequence) == [1, 2, 3])
        #expect(first.next == 4)
        #expect(cursor.isCatchingUp)
        #expect(cursor.lastApplied == 3)
        #expect(cursor.live(11) == .ignore, "live events wait until the replay is done")

        let second = cursor.batch(Self.events(4...10), lastSequence: 10)
        #expect(second.apply.map(\.sequence) == Array(4...10))
        #expect(second.next == nil)
        #expect(!cursor.isCatchingUp)
        #expect(cursor.live(11) == .apply)
    }

    @Test("stale and repeated events in a batch are skipped; only the next ones in order are applied")
    func batch_staleAndDuplicates_skipped() {
        var cursor = Self.catchingUp(after: 3)
        let (apply, next) = cursor.batch(Self.events([2, 3, 3, 4, 4, 5, 5]), lastSequence: 5)
        #expect(apply == Self.events(4...5))
        #expect(next == nil)
        #expect(cursor.lastApplied == 5)
    }

    @Test("a batch of events all applied already applies nothing and ends the catch-up")
    func batch_allStale_backToLive() {
        var cursor = Self.catchingUp(after: 5)
        let (apply, next) = cursor.batch(Self.events(4...5), lastSequence: 5)
        #expect(apply.isEmpty)
        #expect(next == nil)
        #expect(!cursor.isCatchingUp)
        #expect(cursor.lastApplied == 5)
    }

    @Test("a batch with a hole applies up to the hole and asks again from it")
    func batch_withHole_stopsAtHole() {
        var cursor = Self.catchingUp(after: 0)
        let (apply, next) = cursor.batch(Self.events([1, 2, 4, 5]), lastSequence: 5)
        #expect(apply.map(\.sequence) == [1, 2])
        #expect(next == 3)
        #expect(cursor.isCatchingUp)
        #expect(cursor.lastApplied == 2)
    }

    @Test("an empty batch while the log is longer keeps catching up from the same place")
    func batch_empty_asksAgain() {
        var cursor = Self.catchingUp(after: 4)
        let (apply, next) = cursor.batch([], lastSequence: 9)
        #expect(apply.isEmpty)
        #expect(next == 5)
        #expect(cursor.isCatchingUp)
    }

    @Test("the events a batch returns are the batch's own, producer, type and body unchanged")
    func batch_returnsEventsUnchanged() {
        var cursor = Self.catchingUp(after: 0)
        let announced = Event(producer: "intake-1", sequence: 2, type: .producerAnnounced, body: [0, 0xFF, 0x7B])
        let (apply, _) = cursor.batch([Self.event(1), announced], lastSequence: 2)
        #expect(apply == [Self.event(1), announced])
    }

    // MARK: - Abandoning a catch-up

    @Test("an abandoned catch-up keeps what was applied, and the next heartbeat past it starts a new one")
    func abandonCatchUp_heartbeatStartsAgain() {
        var cursor = Self.catchingUp(after: 0)
        _ = cursor.batch(Self.events(1...2), lastSequence: 9)
        cursor.abandonCatchUp()
        #expect(!cursor.isCatchingUp)
        #expect(cursor.lastApplied == 2)
        #expect(cursor.logEnds(at: 9) == 3)
        #expect(cursor.isCatchingUp)
    }

    @Test("after an abandoned catch-up, live events are judged again: the next applies, a later one asks for replay")
    func abandonCatchUp_liveJudgedAgain() {
        var cursor = Self.catchingUp(after: 4)
        cursor.abandonCatchUp()
        #expect(cursor.live(4) == .duplicate)
        #expect(cursor.live(5) == .apply)
        #expect(cursor.live(9) == .replay(from: 6))
    }

    @Test("abandoning when not catching up changes nothing")
    func abandonCatchUp_whenLive_noChange() {
        var cursor = ProducerCursor(producer: "intake-1", lastApplied: 3)
        let before = cursor
        cursor.abandonCatchUp()
        #expect(cursor == before)
    }

    @Test("after a catch-up ends, a new gap starts another one from the right place")
    func batch_thenNewGap_replaysAgain() {
        var cursor = Self.catchingUp(after: 0)
        _ = cursor.batch(Self.events(1...3), lastSequence: 3)
        #expect(cursor.live(4) == .apply)
        #expect(cursor.live(6) == .replay(from: 5))
        let (apply, next) = cursor.batch(Self.events(5...7), lastSequence: 7)
        #expect(apply.map(\.sequence) == [5, 6, 7])
        #expect(next == nil)
        #expect(cursor.live(7) == .duplicate)
        #expect(cursor.live(8) == .apply)
    }
}
