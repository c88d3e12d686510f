import TedgeMosquitto
import Testing

/// The timed waiters behind `MQTTClient` and `MessageInbox`.
@Suite struct WaitableStateTests {
    @Test func anAnswerAlreadyThereIsReturnedAtOnce() async {
        let queue = WaitableState([1, 2])
        #expect(await queue.wait(timeout: .seconds(10)) { $0.isEmpty ? nil : $0.removeFirst() } == 1)
        #expect(queue.update { $0 } == [2])
    }

    @Test func anUpdateAnswersTheWaitersInTheOrderTheyCame() async {
        let queue = WaitableState<[Int]>([])
        async let first = queue.wait(timeout: .seconds(30)) { $0.isEmpty ? nil : $0.removeFirst() }
        async let second = queue.wait(timeout: .seconds(30)) { $0.isEmpty ? nil : $0.removeFirst() }
        for value in [10, 20] {
            await Task.yield()
            queue.update { $0.append(value) }
        }
        // Each value is taken once, by one waiter.
        #expect(Set([await first, await second]) == [10, 20])
        #expect(queue.update { $0 }.isEmpty)
    }

    @Test func aWaiterWithoutAnAnswerGetsNilAfterItsTimeoutAndLeavesTheStateAlone() async {
        let flag = WaitableState(false)
        #expect(await flag.wait(timeout: .milliseconds(20)) { $0 ? true : nil } == nil)
        // The expired waiter is gone: a later change answers only the waiter that asks then.
        flag.update { $0 = true }
        #expect(await flag.wait(timeout: .seconds(10)) { $0 ? "set" : nil } == "set")
    }

    @Test func updatesThatDoNotAnswerKeepTheWaiterWaiting() async {
        let counter = WaitableState(0)
        async let reachedThree = counter.wait(timeout: .seconds(30)) { $0 >= 3 ? $0 : nil }
        for _ in 0..<3 {
            await Task.yield()
            counter.update { $0 += 1 }
        }
        #expect(await reachedThree == 3)
    }
}
