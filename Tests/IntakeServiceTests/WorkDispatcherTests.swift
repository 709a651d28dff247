import IntakeService
import Testing

@Suite("WorkDispatcher")
struct WorkDispatcherTests {
    let clock = ContinuousClock()

    func dispatcher() -> WorkDispatcher {
        WorkDispatcher(leaseDuration: .seconds(30), workerTimeout: .seconds(3))
    }

    @Test("leases go to the worker with the most free slots, up to its credit")
    func assignsByFreeSlots() {
        var work = dispatcher()
        let now = clock.now
        work.enqueue(1...5)
        work.ready(peer: 1, worker: "a", credit: 1, now: now)
        work.ready(peer: 2, worker: "b", credit: 3, now: now)
        let leases = work.assign(now: now)
        #expect(leases.count == 4)
        #expect(leases.filter { $0.worker == 2 }.count == 3)
        #expect(leases.map(\.submission) == [1, 2, 3, 4])
        #expect(work.pendingCount == 1)
        #expect(work.leasedCount == 4)
    }

    @Test("only the holder can acknowledge; its slot frees and the next lease follows")
    func acknowledgement() {
        var work = dispatcher()
        let now = clock.now
        work.enqueue([10, 11])
        work.ready(peer: 1, worker: "a", credit: 1, now: now)
        let result1 = work.assign(now: now)
        #expect(result1.map(\.submission) == [10])
        let result2 = work.acknowledged(10, by: 2)
        #expect(result2 == .refused)
        let result3 = work.acknowledged(99, by: 1)
        #expect(result3 == .refused)
        let result4 = work.acknowledged(10, by: 1)
        #expect(result4 == .completed)
        let result5 = work.acknowledged(10, by: 1)
        #expect(result5 == .refused)
        let result6 = work.assign(now: now)
        #expect(result6.map(\.submission) == [11])
    }

    @Test("a silent worker's leases go to another; a late ack from it completes without costing the new holder a slot")
    func lateAckFromPreviousHolder() {
        var work = dispatcher()
        let start = clock.now
        work.enqueue([1])
        work.ready(peer: 1, worker: "a", credit: 1, now: start)
        let result7 = work.assign(now: start)
        #expect(result7.first?.worker == 1)
        let later = start.advanced(by: .seconds(4))
        work.ready(peer: 2, worker: "b", credit: 1, now: later)
        let result8 = work.expire(now: later)
        #expect(result8.map(\.id) == ["a"])
        #expect(work.expiredCount == 1, "the silent worker's lease counts as taken back")
        let result9 = work.assign(now: later)
        #expect(result9.first?.worker == 2)
        // A's ack arrives late (it had stored its result): done, and B's slot is free again.
        let result10 = work.acknowledged(1, by: 1)
        #expect(result10 == .completed)
        let result11 = work.acknowledged(1, by: 2)
        #expect(result11 == .refused)
        work.enqueue([2])
        let result12 = work.assign(now: later)
        #expect(result12.map(\.worker) == [2])
    }

    @Test("an expired lease returns to the front of the queue and its slot to its worker")
    func expiredLease() {
        var work = WorkDispatcher(leaseDuration: .seconds(1), workerTimeout: .seconds(60))
        let start = clock.now
        work.enqueue([1, 2])
        work.ready(peer: 1, worker: "a", credit: 1, now: start)
        let result13 = work.assign(now: start)
        #expect(result13.map(\.submission) == [1])
        let later = start.advanced(by: .seconds(2))
        let result14 = work.heard(from: 1, now: later)
        #expect(result14)
        let result15 = work.expire(now: later)
        #expect(result15.isEmpty)
        let result16 = work.assign(now: later)
        #expect(result16.map(\.submission) == [1])
        #expect(work.expiredCount == 1)
    }

    @Test("credit is clamped and never overflows, whatever a worker announces")
    func creditClamped() {
        var work = dispatcher()
        let now = clock.now
        work.enqueue(1...20_000)
        work.ready(peer: 1, worker: "a", credit: Int.max, now: now)
        let result17 = work.assign(now: now)
        #expect(result17.count == WorkDispatcher.maximumCredit)
        work.ready(peer: 1, worker: "a", credit: Int.max, now: now)
        let result18 = work.acknowledged(1, by: 1)
        #expect(result18 == .completed)
        let result19 = work.assign(now: now)
        #expect(result19.count == 1)
        work.ready(peer: 2, worker: "b", credit: -5, now: now)
        let result20 = work.assign(now: now)
        #expect(result20.isEmpty)
    }

    @Test("a worker that leaves gives its leases back at once")
    func leave() {
        var work = dispatcher()
        let now = clock.now
        work.enqueue([1, 2])
        work.ready(peer: 1, worker: "a", credit: 2, now: now)
        let result21 = work.assign(now: now)
        #expect(result21.count == 2)
        work.leave(peer: 1)
        #expect(work.workerCount == 0)
        #expect(work.pendingCount == 2)
        #expect(work.peer(ofWorker: "a") == nil)
        work.ready(peer: 2, worker: "a", credit: 5, now: now)
        #expect(work.peer(ofWorker: "a") == 2)
        let result22 = work.assign(now: now)
        #expect(result22.map(\.submission) == [1, 2])
    }

    @Test("a lease that cannot be delivered goes back to the front of the queue and frees its slot")
    func undeliverable() {
        var work = dispatcher()
        let now = clock.now
        work.enqueue([1, 2])
        work.ready(peer: 1, worker: "a", credit: 1, now: now)
        let first = work.assign(now: now)
        #expect(first.map(\.submission) == [1])
        if let lease = first.first { work.undeliverable(lease) }
        #expect(work.leasedCount == 0)
        let again = work.assign(now: now)
        #expect(again.map(\.submission) == [1])
        let ack = work.acknowledged(1, by: 1)
        #expect(ack == .completed)
    }

    @Test("a submission acknowledged while queued again is skipped when its turn comes")
    func acknowledgedWhileQueued() {
        var work = WorkDispatcher(leaseDuration: .seconds(1), workerTimeout: .seconds(60))
        let start = clock.now
        work.enqueue([1, 2])
        work.ready(peer: 1, worker: "a", credit: 1, now: start)
        _ = work.assign(now: start)
        let later = start.advanced(by: .seconds(2))
        _ = work.heard(from: 1, now: later)
        _ = work.expire(now: later)  // lease of 1 expired: 1 is queued again, before 2
        let late = work.acknowledged(1, by: 1)
        #expect(late == .completed)
        let next = work.assign(now: later)
        #expect(next.map(\.submission) == [2])
    }
}
