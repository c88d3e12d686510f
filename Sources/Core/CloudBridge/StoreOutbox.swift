import TedgeDurableStore
import TedgeMQTTSession

/// The durable store as the cloud session's outbox.
final class StoreOutbox: CloudOutbox {
    let store: DurableStore

    init(_ store: DurableStore) { self.store = store }

    func next(after sequence: Int64, limit: Int) throws -> [CloudOutboxEntry] {
        try store.next(after: sequence, limit: limit).map { CloudOutboxEntry(sequence: $0.sequence, message: $0.message) }
    }

    func remove(upTo sequence: Int64) throws { _ = try store.remove(upTo: sequence) }
}
