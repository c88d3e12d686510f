import Synchronization

/// State behind a lock that callers can wait on, each with its own timeout: the one timed-waiter
/// machinery of `MQTTClient` (CONNACK, SUBACK, PUBACK) and the runtime's `MessageInbox`.
///
/// A waiter gives a closure that answers from the state (and may take from it, as an inbox takes a
/// message) or says "not yet" with nil. It is asked when it starts waiting and again after every
/// `update`, under the same lock, so no change can slip between the question and the wait. A waiter
/// not answered within its timeout gets nil. Continuations are resumed outside the lock.
public final class WaitableState<State>: Sendable {
    private struct Waiter {
        let id: Int
        /// The answer's continuation, resumed; nil while the state has no answer.
        let answer: @Sendable (inout State) -> (@Sendable () -> Void)?
        let expire: @Sendable () -> Void
        /// The timeout, cancelled as soon as the waiter is answered.
        var timer: Task<Void, Never>?
    }

    private struct Storage {
        var state: State
        var waiters: [Waiter] = []
        var nextID = 0

        /// Removes the waiters the state now answers (in the order they came) and returns their resumptions.
        mutating func answerWaiters() -> [@Sendable () -> Void] {
            guard !waiters.isEmpty else { return [] }
            var resumptions: [@Sendable () -> Void] = []
            var waiting: [Waiter] = []
            for waiter in waiters {
                if let resume = waiter.answer(&state) {
                    waiter.timer?.cancel()
                    resumptions.append(resume)
                } else {
                    waiting.append(waiter)
                }
            }
            waiters = waiting
            return resumptions
        }
    }

    private let storage: Mutex<Storage>

    public init(_ state: sending State) { storage = Mutex(Storage(state: state)) }

    /// Reads or changes the state under the lock, then answers every waiter the change satisfies.
    @discardableResult
    public func update<Result: Sendable, Failure: Error>(_ body: (inout State) throws(Failure) -> Result) throws(Failure)
        -> Result
    {
        let (result, resumptions) = try storage.withLock { (storage) throws(Failure) -> (Result, [@Sendable () -> Void]) in
            let result = try body(&storage.state)
            return (result, storage.answerWaiters())
        }
        for resume in resumptions { resume() }
        return result
    }

    /// The first answer `answer` finds in the state, now or after an `update`; nil when none comes
    /// within `timeout`.
    public func wait<Answer: Sendable>(timeout: Duration, for answer: @escaping @Sendable (inout State) -> Answer?) async
        -> Answer?
    {
        // No timeout, no waiting: answered here, never through a timer task, which could not run while
        // the cooperative pool is busy (two threads on two cores) and would stall a caller that only polls.
        if timeout <= .zero { return storage.withLock { answer(&$0.state) } }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Answer?, Never>) in
            let (ready, id) = register(answer, continuation)
            if let ready {
                continuation.resume(returning: ready)
                return
            }
            let timer = Task { [weak self] in
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                self?.expire(id)
            }
            storage.withLock { storage in
                if let index = storage.waiters.firstIndex(where: { $0.id == id }) {
                    storage.waiters[index].timer = timer
                } else {
                    timer.cancel()
                }
            }
        }
    }

    /// The answer at once, or the id of the waiter now waiting for one.
    private func register<Answer: Sendable>(
        _ answer: @escaping @Sendable (inout State) -> Answer?, _ continuation: CheckedContinuation<Answer?, Never>
    ) -> (Answer?, Int) {
        storage.withLock { (storage: inout Storage) -> (Answer?, Int) in
            if let ready = answer(&storage.state) { return (ready, 0) }
            storage.nextID += 1
            let resume: @Sendable (inout State) -> (@Sendable () -> Void)? = { state in
                guard let value = answer(&state) else { return nil }
                return { continuation.resume(returning: value) }
            }
            storage.waiters.append(
                Waiter(id: storage.nextID, answer: resume, expire: { continuation.resume(returning: nil) }))
            return (nil, storage.nextID)
        }
    }

    private func expire(_ id: Int) {
        let expired = storage.withLock { storage -> Waiter? in
            guard let index = storage.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return storage.waiters.remove(at: index)
        }
        expired?.expire()
    }
}
