import Synchronization
import TedgeMosquitto
import TedgeProviderAPI

/// Buffers a client's incoming messages so they can be taken one at a time with a timeout,
/// without cancelling (and so ending) the client's message stream.
public final class MessageInbox: Sendable {
    private let buffered = WaitableState<[MQTTMessage]>([])
    private let pump = Mutex<Task<Void, Never>?>(nil)

    public init(_ client: MQTTClient) {
        let task = Task { [weak self] in
            for await message in client.messages {
                guard let self else { return }
                self.buffered.update { $0.append(message) }
            }
        }
        pump.withLock { $0 = task }
    }

    deinit { pump.withLock { $0?.cancel() } }

    /// The next message, or nil when none arrives within `timeout`.
    public func next(timeout: Duration) async -> MQTTMessage? {
        await buffered.wait(timeout: timeout) { $0.isEmpty ? nil : $0.removeFirst() }
    }
}
