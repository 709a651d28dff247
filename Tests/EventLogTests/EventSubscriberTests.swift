import EventLog
import Foundation
import GRDB
import Models
import Testing
import ZeroMQ

/// ``EventSubscriber`` end to end: real producers and a subscriber, each on its own thread, over tcp.
@Suite("EventSubscriber")
struct EventSubscriberTests {
    static func applied(_ store: DatabasePool) throws -> [RecordingApplier.Applied] {
        try store.read { try RecordingApplier.applied($0) }
    }

    static func sequences(_ store: DatabasePool, of producer: String = "intake-1") throws -> [UInt64] {
        try store.read { try RecordingApplier.sequences(of: producer, $0) }
    }

    static func checkpoint(_ store: DatabasePool, of producer: String = "intake-1") throws -> UInt64? {
        try store.read { try RecordingApplier.checkpoint(of: producer, $0) }
    }

    /// Waits until `store` holds at least `count` applied events of `producer`.
    static func waitForApplied(_ store: DatabasePool, _ count: Int, of producer: String = "intake-1") throws {
        var applied: [UInt64] = []
        let reached = try eventually {
            applied = try sequences(store, of: producer)
            return applied.count >= count
        }
        #expect(reached, "applied \(applied) of \(producer), waited for \(count)")
    }

    /// A producer with `events` events and a subscriber that has applied them all.
    static func following(
        _ events: Int, _ harness: TestHarness
    ) throws -> (
        producer: ProducerThread, store: DatabasePool, subscriber: SubscriberThread
    ) {
        let producer = try harness.startProducer("intake-1")
        try producer.append(events)
        let store = try harness.subscriberStore("subscriber.sqlite")
        let subscriber = try harness.startSubscriber(store, sources: [producer.source])
        try waitForApplied(store, events)
        return (producer, store, subscriber)
    }

    // MARK: - Exactly once, in order

    @Test("a new subscriber replays the log, then applies live events: every event once, in order")
    func replayThenLive_exactlyOnceInOrder() throws {
        try withHarness { harness in
            let producer = try harness.startProducer("intake-1")
            let stored = try producer.append(5)
            let store = try harness.subscriberStore("subscriber.sqlite")
            let subscriber = try harness.startSubscriber(store, sources: [producer.source])

            try Self.waitForApplied(store, 5)
            #expect(try Self.sequences(store) == Array(1...5))
            #expect(try Self.checkpoint(store) == 5)

            let live = try producer.appendAndPublish(3)
            try Self.waitForApplied(store, 8)
            let applied = try Self.applied(store)
            #expect(applied.map(\.sequence) == Array(1...8))
            #expect(applied.map(\.body) == (stored + live).map(\.body))
            #expect(applied.allSatisfy { $0.producer == "intake-1" && $0.type == "submission.received" })
            #expect(try Self.checkpoint(store) == 8, "the checkpoint moves in the same transaction as the events")

            let summary = try subscriber.finish()
            #expect(summary.appliedCount == 8)
            #expect(summary.positions == ["intake-1": 8])
            #expect(try Self.sequences(store) == Array(1...8))
        }
    }

    @Test("a restarted subscriber catches up from its checkpoint by replay, without applying anything twice")
    func restart_catchesUpWithoutDuplicates() throws {
        try withHarness { harness in
            let (producer, store, first) = try Self.following(4, harness)
            #expect(try first.finish().appliedCount == 4)

            // Published while nobody listens: only the replay can bring them.
            try producer.appendAndPublish(3)
            let second = try harness.startSubscriber(store, sources: [producer.source])
            try Self.waitForApplied(store, 7)
            #expect(try Self.sequences(store) == Array(1...7))
            #expect(try Self.checkpoint(store) == 7)

            let summary = try second.finish()
            #expect(summary.appliedCount == 3, "the second subscriber applied only what the first had not")
            #expect(summary.positions == ["intake-1": 7])
            let described = harness.logs.entries("producer described").last
            #expect(described?.metadata["applied"] == "4", "it started from the stored checkpoint")
            #expect(described?.metadata["last"] == "7")
        }
    }

    @Test("a gap in the live stream is detected and filled by replay")
    func gap_detectedAndReplayed() throws {
        try withHarness { harness in
            let (producer, store, subscriber) = try Self.following(3, harness)

            // One live event first, so the subscription is known to be up.
            try producer.appendAndPublish(1)
            try Self.waitForApplied(store, 4)
            #expect(harness.logs.entries("gap in event log, replaying").isEmpty)

            try producer.append(3)  // 5, 6, 7: committed, never published
            try producer.appendAndPublish(1)  // 8
            try Self.waitForApplied(store, 8)
            #expect(try Self.sequences(store) == Array(1...8))
            #expect(try Self.checkpoint(store) == 8)

            let gaps = harness.logs.entries("gap in event log, replaying")
            #expect(gaps.count == 1)
            #expect(gaps.first?.metadata["from"] == "5")
            #expect(gaps.first?.metadata["received"] == "8")
            #expect(try subscriber.finish().appliedCount == 8)
        }
    }

    @Test("a producer restarted on the same endpoints is caught up through its heartbeat")
    func producerRestart_heartbeatCatchUp() throws {
        try withHarness { harness in
            let (producer, store, _) = try Self.following(2, harness)

            try producer.finish()
            try producer.append(2)  // committed while the endpoints were down, so never published
            var restarted: ProducerThread?
            // The old listeners close in libzmq's I/O thread; the ports are free again within moments.
            eventually {
                restarted = try? harness.startProducer(
                    "intake-1", database: producer.database, endpoints: producer.source)
                return restarted != nil
            }
            #expect(restarted?.source == producer.source)

            try Self.waitForApplied(store, 4)
            #expect(try Self.sequences(store) == [1, 2, 3, 4])
            #expect(
                harness.logs.entries("gap in event log, replaying").isEmpty,
                "no live event showed the gap: the heartbeat did")
        }
    }

    /// A producer with 3 events applied by a subscriber, then replaced on the same id and endpoints by
    /// one with a new store holding `newEvents`: returns the subscriber's store once it applied `expected` events.
    static func replaceStore(newEvents: Int, expected: Int, _ harness: TestHarness) throws -> DatabasePool {
        let (producer, store, _) = try Self.following(3, harness)

        try producer.finish()
        // Same id and endpoints, a new store: its log starts again at 1.
        let fresh = try harness.producerStore("intake-1-replaced.sqlite")
        var replaced: ProducerThread?
        eventually {
            replaced = try? harness.startProducer("intake-1", database: fresh, endpoints: producer.source)
            return replaced != nil
        }
        try #require(replaced).append(newEvents)
        let caughtUp = try eventually {
            try checkpoint(store) == UInt64(newEvents) && sequences(store).count == expected
        }
        #expect(caughtUp)
        return store
    }

    @Test("a producer whose store was replaced (new epoch) is applied afresh from its new log's start")
    func replacedStore_newEpochAppliedFromStart() throws {
        try withHarness { harness in
            let store = try Self.replaceStore(newEvents: 2, expected: 5, harness)
            #expect(try Self.sequences(store) == [1, 2, 3, 1, 2])
            #expect(
                !harness.logs.entries("producer's log was replaced (new epoch); applying the new log from its start")
                    .isEmpty)
        }
    }

    @Test("a replaced store whose new log is already longer is noticed by its heartbeat's epoch")
    func replacedStore_longerNewLog() throws {
        try withHarness { harness in
            let store = try Self.replaceStore(newEvents: 5, expected: 8, harness)
            #expect(try Self.sequences(store) == [1, 2, 3, 1, 2, 3, 4, 5], "the new log is applied whole, from 1")
        }
    }

    @Test("when applying fails, the events and the checkpoint roll back together; the next run applies them once")
    func applierFailure_rollsBackWithCheckpoint() throws {
        try withHarness { harness in
            let producer = try harness.startProducer("intake-1")
            try producer.append(5)
            let store = try harness.subscriberStore("subscriber.sqlite")
            let failing = try harness.startSubscriber(store, sources: [producer.source], failing: 3)

            let ended = try #require(
                failing.waitUntilFinished(timeout: .seconds(10)), "the loop ends when applying fails")
            let error = #expect(throws: LoopThreadError.self) { try ended.get() }
            #expect(error?.description.contains("applier refused sequence 3") == true)
            #expect(try Self.applied(store).isEmpty, "events 1 and 2 were in the failed transaction")
            #expect(try Self.checkpoint(store) == nil)

            let second = try harness.startSubscriber(store, sources: [producer.source])
            try Self.waitForApplied(store, 5)
            #expect(try Self.sequences(store) == Array(1...5))
            #expect(try second.finish().appliedCount == 5)
        }
    }

    @Test("an event the applier cannot use is set aside in quarantine, and the others are applied")
    func unusableEvent_quarantined() throws {
        try withHarness { harness in
            let producer = try harness.startProducer("intake-1")
            let events = try producer.append(5)
            let store = try harness.subscriberStore("subscriber.sqlite")
            let subscriber = try harness.startSubscriber(store, sources: [producer.source], unusable: 3)

            try Self.waitForApplied(store, 4)
            #expect(try Self.sequences(store) == [1, 2, 4, 5])
            #expect(try Self.checkpoint(store) == 5, "the set-aside event does not hold the checkpoint back")
            let quarantined = try store.read {
                try Row.fetchAll($0, sql: "SELECT producer, sequence, type, body, problem FROM subscriber_quarantine")
            }
            #expect(quarantined.count == 1)
            #expect(quarantined.first?["producer"] == "intake-1")
            #expect(quarantined.first?["sequence"] == 3)
            #expect(quarantined.first?["type"] == "submission.received")
            #expect(quarantined.first.map { [UInt8]($0["body"] as Data) } == events[2].body)
            #expect((quarantined.first?["problem"] as String?)?.contains("body of sequence 3 cannot be used") == true)
            #expect(try subscriber.finish().positions == ["intake-1": 5])
        }
    }

    // MARK: - Announced producers

    @Test("a producer announced in another producer's log is followed, and remembered after a restart")
    func announcedProducer_followedAndRemembered() throws {
        try withHarness { harness in
            let intake = try harness.startProducer("intake-1")
            let worker = try harness.startProducer("evaluation-w1")
            try worker.append(2, type: .submissionEvaluated)
            let announcement = ProducerAnnouncement(
                producer: "evaluation-w1", publish: worker.source.publish, replay: worker.source.replay)
            _ = try intake.append(.producerAnnounced, body: JSONCoding.encode(announcement))
            try intake.append(1)

            let store = try harness.subscriberStore("subscriber.sqlite")
            let first = try harness.startSubscriber(store, sources: [intake.source])
            try Self.waitForApplied(store, 2, of: "intake-1")
            try Self.waitForApplied(store, 2, of: "evaluation-w1")
            #expect(try Self.sequences(store, of: "evaluation-w1") == [1, 2])
            #expect(
                try Self.applied(store).filter { $0.producer == "evaluation-w1" }.allSatisfy {
                    $0.type == "submission.evaluated"
                })
            let sources = try store.read {
                try Row.fetchAll($0, sql: "SELECT replay_endpoint, publish_endpoint, producer FROM subscriber_source")
            }
            #expect(sources.count == 1)
            #expect(sources.first?["replay_endpoint"] == worker.source.replay)
            #expect(sources.first?["publish_endpoint"] == worker.source.publish)
            #expect(sources.first?["producer"] == "evaluation-w1")
            #expect(try first.finish().positions == ["intake-1": 2, "evaluation-w1": 2])

            // Configured with intake only, the next run finds the worker in its store.
            try worker.append(1, type: .submissionEvaluated)
            let second = try harness.startSubscriber(store, sources: [intake.source])
            try Self.waitForApplied(store, 3, of: "evaluation-w1")
            #expect(try Self.sequences(store, of: "evaluation-w1") == [1, 2, 3])
            #expect(try Self.sequences(store, of: "intake-1") == [1, 2])
            #expect(try second.finish().positions == ["intake-1": 2, "evaluation-w1": 3])
        }
    }

    @Test(
        "an announced producer speaks only for itself: its forged events and announcements are dropped, and endpoints describing another producer are not followed"
    )
    func announcedProducer_speaksOnlyForItself() throws {
        try withHarness { harness in
            let intake = try harness.startProducer("intake-1")
            let worker = try harness.startProducer("evaluation-w1")
            let third = try harness.startProducer("evaluation-w3")
            try third.append(1, type: .submissionEvaluated)
            // The worker's own log announces a producer: only a configured producer (intake) may.
            let smuggled = ProducerAnnouncement(
                producer: "evaluation-evil", publish: third.source.publish, replay: third.source.replay)
            _ = try worker.append(.producerAnnounced, body: JSONCoding.encode(smuggled))
            try worker.append(1, type: .submissionEvaluated)
            // Intake announces the worker, and a w2 whose endpoints turn out to be w3's.
            for (name, producer) in [("evaluation-w1", worker), ("evaluation-w2", third)] {
                let announcement = ProducerAnnouncement(
                    producer: name, publish: producer.source.publish, replay: producer.source.replay)
                _ = try intake.append(.producerAnnounced, body: JSONCoding.encode(announcement))
            }

            let store = try harness.subscriberStore("subscriber.sqlite")
            let subscriber = try harness.startSubscriber(store, sources: [intake.source])
            try Self.waitForApplied(store, 2, of: "intake-1")
            try Self.waitForApplied(store, 2, of: "evaluation-w1")
            // The worker publishes an event in intake's name, the next of intake's log: dropped.
            let forged = Event(producer: "intake-1", sequence: 3, type: .submissionRejected, body: bytes("[]"))
            for _ in 0..<10 {
                worker.publish([forged])
                Thread.sleep(forTimeInterval: 0.05)
            }
            try intake.appendAndPublish(1)
            try Self.waitForApplied(store, 3, of: "intake-1")
            Thread.sleep(forTimeInterval: 0.5)
            let intakeEvents = try Self.applied(store).filter { $0.producer == "intake-1" }
            #expect(intakeEvents.map(\.sequence) == [1, 2, 3])
            #expect(intakeEvents.last?.type == "submission.received")
            let sources = try store.read { try String.fetchAll($0, sql: "SELECT producer FROM subscriber_source") }
            #expect(sources == ["evaluation-w1"])
            #expect(try subscriber.finish().positions == ["intake-1": 3, "evaluation-w1": 2])
        }
    }

    // MARK: - Unhelpful producers

    @Test("after describe, the subscriber asks for a replay from 1 with the maximum batch")
    func describe_thenReplayRequest() throws {
        try withHarness { harness in
            let fake = try FakeProducer("fake-1", harness: harness)
            let store = try harness.subscriberStore("subscriber.sqlite")
            _ = try harness.startSubscriber(store, sources: [fake.source])
            try fake.answerDescribe(lastSequence: 2)
            let replay = try fake.nextRequest()
            #expect(replay.envelope.type == .replay)
            #expect(
                try JSONCoding.decode(ReplayRequest.self, from: replay.envelope.body)
                    == ReplayRequest(producer: "fake-1", from: 1, limit: EventLogEndpoints.maximumBatch))
            let events = [
                Event(producer: "fake-1", sequence: 1, type: .submissionReceived, body: bytes("{}")),
                Event(producer: "fake-1", sequence: 2, type: .submissionRejected, body: bytes("[]")),
            ]
            let header = ReplayBatchHeader(producer: "fake-1", from: 1, count: 2, lastSequence: 2)
            try fake.reply(
                to: replay, .replayBatch, body: JSONCoding.encode(header), attachments: events.flatMap(\.replayFrames))
            try Self.waitForApplied(store, 2, of: "fake-1")
            #expect(try Self.applied(store).map(\.type) == ["submission.received", "submission.rejected"])
        }
    }

    @Test("a replay the producer refused is asked for again at the next heartbeat")
    func refusedReplay_askedAgain() throws {
        try withHarness { harness in
            let fake = try FakeProducer("fake-1", harness: harness)
            let store = try harness.subscriberStore("subscriber.sqlite")
            let subscriber = try harness.startSubscriber(store, sources: [fake.source])
            try fake.answerDescribe(lastSequence: 3)
            let replay = try fake.nextRequest()
            #expect(replay.envelope.type == .replay)
            let failure = WireError(.internalError, "the log could not be read; try again")
            try fake.reply(to: replay, .error, body: WireError.encodeBody(failure))

            let again = try #require(
                try fake.nextRequest(within: .seconds(5), heartbeat: 3), "no second replay request")
            #expect(again.envelope.type == .replay)
            #expect(try JSONCoding.decode(ReplayRequest.self, from: again.envelope.body).from == 1)
            #expect(subscriber.waitUntilFinished(timeout: .zero) == nil, "the subscriber keeps running")
        }
    }

    @Test("an unreadable describe reply is asked for again")
    func unreadableDescribe_askedAgain() throws {
        try withHarness { harness in
            let fake = try FakeProducer("fake-1", harness: harness)
            let store = try harness.subscriberStore("subscriber.sqlite")
            _ = try harness.startSubscriber(store, sources: [fake.source], replayTimeout: .milliseconds(200))
            let describe = try fake.nextRequest()
            #expect(describe.envelope.type == .describe)
            try fake.reply(to: describe, .describeReply, body: bytes("not json"))

            let again = try fake.nextRequest(within: .seconds(2), heartbeat: 3)
            #expect(again?.envelope.type == .describe)
        }
    }

    /// Replay batches a subscriber cannot read.
    enum MalformedBatch: String, CaseIterable, Sendable {
        case frameCountMismatch, headerNotJSON, badSequenceFrame

        var body: [UInt8] {
            switch self {
            case .frameCountMismatch:
                JSONCoding.encode(ReplayBatchHeader(producer: "fake-1", from: 1, count: 2, lastSequence: 3))
            case .headerNotJSON: bytes("not json")
            case .badSequenceFrame:
                JSONCoding.encode(ReplayBatchHeader(producer: "fake-1", from: 1, count: 1, lastSequence: 3))
            }
        }

        var attachments: [[UInt8]] {
            switch self {
            case .frameCountMismatch: [bytes("1"), bytes("submission.received"), bytes("{}")]
            case .headerNotJSON: []
            case .badSequenceFrame: [bytes("one"), bytes("submission.received"), bytes("{}")]
            }
        }
    }

    @Test(
        "a malformed replay batch is dropped and asked for again; the subscriber keeps running",
        arguments: MalformedBatch.allCases)
    func malformedBatch_askedAgain(batch: MalformedBatch) throws {
        try withHarness { harness in
            let fake = try FakeProducer("fake-1", harness: harness)
            let store = try harness.subscriberStore("subscriber.sqlite")
            let subscriber = try harness.startSubscriber(store, sources: [fake.source])
            try fake.answerDescribe(lastSequence: 3)
            let replay = try fake.nextRequest()
            try fake.reply(to: replay, .replayBatch, body: batch.body, attachments: batch.attachments)

            let again = try fake.nextRequest(within: .seconds(5), heartbeat: 3)
            #expect(again?.envelope.type == .replay)
            #expect(try again.map { try JSONCoding.decode(ReplayRequest.self, from: $0.envelope.body).from } == 1)
            let ended = subscriber.waitUntilFinished(timeout: .zero)
            #expect(ended == nil, "the loop ended: \(String(describing: ended))")
            #expect(try Self.applied(store).isEmpty)
        }
    }

    /// Plays a producer whose replay batch announces more events than an `Int` can count three frames
    /// for, and throws unless the subscriber survives it and asks again.
    static func answerWithAbsurdBatchCount() throws {
        try withHarness { harness in
            let fake = try FakeProducer("fake-1", harness: harness)
            let store = try harness.subscriberStore("subscriber.sqlite")
            _ = try harness.startSubscriber(store, sources: [fake.source])
            try fake.answerDescribe(lastSequence: 3)
            let replay = try fake.nextRequest()
            let header = ReplayBatchHeader(producer: "fake-1", from: 1, count: Int.max / 2, lastSequence: 3)
            try fake.reply(to: replay, .replayBatch, body: JSONCoding.encode(header))
            guard try fake.nextRequest(within: .seconds(5), heartbeat: 3)?.envelope.type == .replay else {
                throw LoopThreadError(description: "the subscriber did not ask again")
            }
        }
    }

    @Test("a replay batch announcing an absurd event count does not crash the subscriber's process")
    func absurdBatchCount_doesNotCrash() async {
        await #expect(processExitsWith: .success) {
            try EventSubscriberTests.answerWithAbsurdBatchCount()
        }
    }
}
