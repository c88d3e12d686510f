import Dispatch
import TedgeMessaging

/// The incoming messages of one client. Bounded: when `capacity` messages wait unread, the network
/// thread stops reading from the socket, so a slow consumer slows the broker down (TCP backpressure)
/// instead of growing memory without limit.
public struct MQTTMessageStream: AsyncSequence, Sendable {
    public typealias Element = MQTTMessage

    let base: AsyncStream<MQTTMessage>
    let slots: DispatchSemaphore

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<MQTTMessage>.AsyncIterator
        let slots: DispatchSemaphore

        public mutating func next() async -> MQTTMessage? {
            guard let message = await base.next() else { return nil }
            slots.signal()
            return message
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), slots: slots) }
}
