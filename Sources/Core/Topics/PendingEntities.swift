import TedgeMessaging

/// Registrations whose parent is not registered yet, and data messages of entities not registered yet, kept
/// until the parent or the entity arrives. Both are bounded (oldest dropped first) so bad input cannot grow them.
struct PendingEntities: Sendable {
    let registrationLimit: Int
    let dataLimit: Int
    /// Pending registrations (parent resolved) in arrival order.
    private(set) var registrations: [EntityTopicID: (order: Int, registration: EntityRegistration)] = [:]
    private var nextOrder = 0
    private(set) var data: [(id: EntityTopicID, message: MQTTMessage)] = []
    private(set) var dropped = 0

    init(registrationLimit: Int, dataLimit: Int) {
        self.registrationLimit = registrationLimit
        self.dataLimit = dataLimit
    }

    func contains(_ id: EntityTopicID) -> Bool { registrations[id] != nil }

    mutating func add(_ registration: EntityRegistration) {
        if registrations[registration.topicID] == nil, registrations.count >= registrationLimit,
            let oldest = registrations.min(by: { $0.value.order < $1.value.order })?.key
        {
            registrations[oldest] = nil
            dropped += 1
        }
        registrations[registration.topicID] = (nextOrder, registration)
        nextOrder += 1
    }

    mutating func remove(_ id: EntityTopicID) { registrations[id] = nil }

    /// The pending registrations whose parent is `parent`, in arrival order, removed from the pending set.
    mutating func takeChildren(of parent: EntityTopicID) -> [EntityRegistration] {
        let children = registrations.filter { $0.value.registration.parent == parent }.sorted { $0.value.order < $1.value.order }
        for child in children { registrations[child.key] = nil }
        return children.map(\.value.registration)
    }

    mutating func cache(_ message: MQTTMessage, for id: EntityTopicID) {
        if data.count >= dataLimit {
            data.removeFirst()
            dropped += 1
        }
        data.append((id, message))
    }

    mutating func takeData(of id: EntityTopicID) -> [MQTTMessage] {
        let mine = data.filter { $0.id == id }.map(\.message)
        if !mine.isEmpty { data.removeAll { $0.id == id } }
        return mine
    }
}
