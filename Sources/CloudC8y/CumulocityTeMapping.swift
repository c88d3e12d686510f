import TedgeProviderAPI

/// How the Cumulocity mapper maps the `te/` topics (thin-edge 2.x): an entity store built from the retained
/// registrations, whose entities become child devices (101) and services (102) on their parent's SmartREST topic;
/// measurements (with units from `m/<type>/meta`), events and alarms of every entity; service health as 102;
/// twin fragments as inventory updates. An entity first seen through its data is auto-registered: its
/// registration is published (retained, on `te/`) and its 101/102 goes before the data, in the same batch. Data of
/// an entity that is not registered yet (a custom topic id, or a child waiting for its parent) is kept until it
/// is. Errors are plain text on `<root>/errors`; nothing here throws.
public struct CumulocityTeMapping: Sendable {
    public private(set) var store: EntityStore
    /// nil when the main device's id is not known: every input is then answered with an error.
    let inventory: CumulocityInventory?
    public let clock: @Sendable () -> UnixTime
    /// Units per `m/<type>/meta` topic.
    private var units: [String: MeasurementUnits] = [:]

    /// `store`'s main device carries the cloud id of the device (`c8y.device.id`).
    public init(
        store: EntityStore, createWithDeviceMarker: Bool = false, serviceType: String = "service",
        clock: @escaping @Sendable () -> UnixTime = { .now() }
    ) {
        self.store = store
        self.clock = clock
        inventory = store[store.mainDevice]?.externalID.map {
            CumulocityInventory(mainDeviceID: $0, createWithDeviceMarker: createWithDeviceMarker, serviceType: serviceType)
        }
    }

    public var schema: TopicSchema { store.schema }

    static let unknownDevice =
        "Cannot map the te/ topics to Cumulocity: the device id is not known (run tedge connect c8y, which records it as c8y.device.id)"

    /// Whether `topic` is the mapping's (under the topic root).
    public func handles(_ topic: String) -> Bool { schema.contains(topic) }

    /// The messages to publish for one input: cloud messages, retained registrations, errors.
    public mutating func convert(_ message: MQTTMessage) -> [MQTTMessage] {
        if message.topic == schema.errorTopic { return [] }
        guard let inventory else { return [error(Self.unknownDevice)] }
        if case let (id, channel)? = try? schema.parse(message.topic) {
            if channel == .entityMetadata, !message.payload.isEmpty {
                // The main device is created by `tedge connect`; an `@id` must make a valid cloud topic.
                if id == store.mainDevice { return [] }
                if let externalID = (try? EntityRegistration(topicID: id, payload: message.payload))?.externalID {
                    do { try ExternalID.validate(externalID) } catch { return [self.error(error.description)] }
                }
            } else if channel != .entityMetadata, store.isPending(id) {
                // Its registration waits for the parent: so does its data (no auto-registration under the main device).
                if !message.payload.isEmpty { store.cacheEarlyData(message, for: id) }
                return []
            }
        }
        switch store.receive(message) {
        case .other, .errorReport:
            return []
        case .invalid(let text):
            return [error(text)]
        case .registration(_, .registered(let entities, let rejected)):
            return entities.flatMap { announce($0, inventory) } + rejected.map { error($0.description) }
        case .registration(_, .deregistered(let entities)):
            for entity in entities {
                let prefix = schema.topic(for: entity.topicID, .measurement(type: ""))
                units = units.filter { !$0.key.hasPrefix(prefix) }
            }
            return []
        case .registration:
            return []
        case .twin(let id, let fragment, let value, let changed, let autoRegistration):
            let outputs = publish(autoRegistration, for: id, .twin(fragment: fragment), inventory)
            guard let entity = known(id, message) else { return outputs }
            // The store keeps the twin data: only a change goes to the inventory (an empty payload removes: `null`).
            guard changed else { return outputs }
            return outputs + [inventory.twinUpdate(entity, key: fragment, value: value ?? .null, in: store)]
        case .data(let id, let channel, let autoRegistration):
            let outputs = publish(autoRegistration, for: id, channel, inventory)
            guard let entity = known(id, message) else { return outputs }
            return outputs + map(message, of: entity, channel, inventory)
        }
    }

    /// The registrations an input auto-registered (retained, on `te/`) and the 101/102 of each, before the input's
    /// own outputs.
    private mutating func publish(
        _ autoRegistration: EntityStore.AutoRegistration, for id: EntityTopicID, _ channel: Channel,
        _ inventory: CumulocityInventory
    ) -> [MQTTMessage] {
        var outputs = autoRegistration.messages.map { $0.message(in: schema) }
        for registered in autoRegistration.registered {
            // A service first seen through its health: the health's 102 creates it with its real status.
            let announcesItself = registered.entity.topicID == id && channel == .health
            outputs += announce(registered, inventory, skippingCreation: announcesItself)
        }
        return outputs
    }

    /// The entity, or nil when it is not registered: its message is then kept until it is.
    private mutating func known(_ id: EntityTopicID, _ message: MQTTMessage) -> EntityMetadata? {
        if let entity = store[id] { return entity }
        if !message.payload.isEmpty { store.cacheEarlyData(message, for: id) }
        return nil
    }

    /// A newly registered entity's 101/102 and twin data, then the data kept for it while it was unknown.
    private mutating func announce(
        _ registered: RegisteredEntity, _ inventory: CumulocityInventory, skippingCreation: Bool = false
    ) -> [MQTTMessage] {
        var outputs: [MQTTMessage] = []
        if !skippingCreation {
            switch inventory.registration(registered.entity, in: store) {
            case .success(let messages): outputs = messages
            case .failure(let failure): outputs = [error(failure.description)]
            }
        }
        for message in registered.dataMessages { outputs += convert(message) }
        return outputs
    }

    private mutating func map(
        _ message: MQTTMessage, of entity: EntityMetadata, _ channel: Channel, _ inventory: CumulocityInventory
    ) -> [MQTTMessage] {
        let now = CumulocityTime.utc(clock())
        let externalSource = entity.type == .device ? nil : inventory.externalID(of: entity, in: store)
        let result: Result<MQTTMessage, ConversionError>
        switch channel {
        case .measurement(let type):
            let units = units[schema.topic(for: entity.topicID, .measurementMetadata(type: type))]
            result = CumulocityTeMeasurement.convert(
                message.payload, type: type, externalSource: externalSource, units: units, now: now)
        case .measurementMetadata:
            return updateUnits(message)
        case .event(let type):
            result = CumulocityTeEvent.convert(message, type: type, externalSource: externalSource, now: now)
        case .alarm(let type):
            result = CumulocityTeAlarm.convert(
                message, type: type, externalSource: externalSource,
                smartRESTTopic: inventory.smartRESTTopic(of: entity, in: store), now: now)
        case .health:
            return inventory.health(entity, payload: message.payload, in: store)
        default:
            return []
        }
        switch result {
        case .success(let output): return [output]
        // Measurements, events and alarms are thin-edge's builtin flows: their errors say so.
        case .failure(let failure): return [error("Input message cannot be processed: \(failure)")]
        }
    }

    /// Keeps the units of `m/<type>/meta` (an empty retained message clears them).
    private mutating func updateUnits(_ message: MQTTMessage) -> [MQTTMessage] {
        guard !message.payload.isEmpty else {
            units[message.topic] = nil
            return []
        }
        switch SerdeText.parse(message.payload) {
        case .failure(let failure): return [error(failure.description)]
        case .success(let metadata):
            let parsed = MeasurementUnits(metadata: metadata)
            units[message.topic] = parsed.isEmpty ? nil : parsed
            return []
        }
    }

    private func error(_ text: String) -> MQTTMessage { MQTTMessage(topic: schema.errorTopic, text: text, qos: .atLeastOnce) }
}
