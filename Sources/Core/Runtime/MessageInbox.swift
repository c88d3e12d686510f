import Synchronization
import TedgeMosquitto
import TedgeProviderAPI

/// Buffers a client's incoming messages so they can be taken one at a time with a timeout,
/// without cancelling (and so ending) the client's message stream.
public final class MessageInbox: Sendable {
    private struct State {
        var buffered: [MQTTMessage] = []
        var waiter: (id: Int, continuation: CheckedContinuation<MQTTMessage?, Never>)?
        /// The waiter's timeout, cancelled as soon as a message answers it.
        var timer: Task<Void, Never>?
        var nextID = 0
    }

    private let state = Mutex(State())
    private let pump = Mutex<Task<Void, Never>?>(nil)

    public init(_ client: MQTTClient) {
        let task = Task { [weak self] in
            for await message in client.messages {
                guard let self else { return }
                self.deliver(message)
            }
        }
        pump.withLock { $0 = task }
    }

    deinit { pump.withLock { $0?.cancel() } }

    private func deliver(_ message: MQTTMessage) {
        let waiter: CheckedContinuation<MQTTMessage?, Never>? = state.withLock { state in
            if let waiter = state.waiter {
                state.waiter = nil
                state.timer?.cancel()
                state.timer = nil
                return waiter.continuation
            }
            state.buffered.append(message)
            return nil
        }
        waiter?.resume(returning: message)
    }

    /// The next message, or nil when none arrives within `timeout`. One caller at a time.
    public func next(timeout: Duration) async -> MQTTMessage? {
        let id: Int = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withCheckedContinuation { continuation in
            let ready: MQTTMessage? = state.withLock { state in
                if !state.buffered.isEmpty { return state.buffered.removeFirst() }
                state.waiter = (id, continuation)
                return nil
            }
            if let ready {
                continuation.resume(returning: ready)
                return
            }
            let timer = Task { [weak self] in
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                let expired = self?.state.withLock { state -> CheckedContinuation<MQTTMessage?, Never>? in
                    guard let waiter = state.waiter, waiter.id == id else { return nil }
                    state.waiter = nil
                    state.timer = nil
                    return waiter.continuation
                }
                expired?.resume(returning: nil)
            }
            state.withLock { state in
                if state.waiter?.id == id { state.timer = timer } else { timer.cancel() }
            }
        }
    }
}
