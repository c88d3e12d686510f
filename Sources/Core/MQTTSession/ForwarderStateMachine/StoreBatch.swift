import TedgeMessaging

/// Cloud-bound outputs collected during one iteration for a single append to the durable store, with whom each
/// settles once the append has returned.
struct StoreBatch {
    var id = 0
    private(set) var messages: [MQTTMessage] = []
    private(set) var owners: [OutputWindow.Owner] = []

    var isEmpty: Bool { messages.isEmpty }

    mutating func add(_ message: MQTTMessage, owner: OutputWindow.Owner) {
        messages.append(message)
        owners.append(owner)
    }
}
