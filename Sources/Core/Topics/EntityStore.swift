import TedgeMessaging
import TedgeThinEdgeJSON

/// A mapper's view of the entities on the `te/` topics, built from the retained registrations
/// (`<root>/+/+/+/+`) and kept current: parents resolved, only devices as parents, children whose parent is not
/// known yet kept pending, updates limited to `@parent`/`@health`, deregistration of whole subtrees, and
/// auto-registration of ids in the default scheme. A value: no I/O; the caller publishes what it returns.
public struct EntityStore: Sendable {
    public let schema: TopicSchema
    public let mainDevice: EntityTopicID
    /// Whether data of an unknown default-scheme entity registers it (`device/<d>//`, `device/<d>/service/<s>`).
    public var autoRegister: Bool

    /// Entities by id; children are found through their `parent` (a set per device would cost more memory than
    /// the rare deregistration saves in time).
    private var nodes: [EntityTopicID: EntityMetadata]
    private var pending: PendingEntities

    /// `mainDevice` is `mqtt.device_topic_id`; `mainDeviceExternalID` its cloud id, when the caller knows it.
    public init(
        schema: TopicSchema = TopicSchema(), mainDevice: EntityTopicID = .mainDevice, mainDeviceExternalID: String? = nil,
        autoRegister: Bool = true, pendingRegistrationLimit: Int = 1_000, pendingDataLimit: Int = 100
    ) {
        self.schema = schema
        self.mainDevice = mainDevice
        self.autoRegister = autoRegister
        let main = EntityRegistration(topicID: mainDevice, type: .device, externalID: mainDeviceExternalID)
        nodes = [mainDevice: EntityMetadata(main, parent: nil)]
        pending = PendingEntities(registrationLimit: pendingRegistrationLimit, dataLimit: pendingDataLimit)
    }

    // MARK: - Reading

    public subscript(id: EntityTopicID) -> EntityMetadata? { nodes[id] }

    /// Registered entities, the main device included.
    public var count: Int { nodes.count }

    public var topicIDs: [EntityTopicID] { Array(nodes.keys) }

    public func children(of id: EntityTopicID) -> [EntityTopicID] {
        nodes.values.filter { $0.parent == id }.map(\.topicID).sorted()
    }

    /// Parent, grandparent, … up to the main device.
    public func ancestors(of id: EntityTopicID) -> [EntityTopicID] {
        var result: [EntityTopicID] = []
        var current = nodes[id]?.parent
        while let parent = current, !result.contains(parent) {
            result.append(parent)
            current = nodes[parent]?.parent
        }
        return result
    }

    public func isPending(_ id: EntityTopicID) -> Bool { pending.contains(id) }

    public var pendingCount: Int { pending.registrations.count }

    /// Pending registrations and cached data messages dropped because their bounds were reached.
    public var droppedPending: Int { pending.dropped }

    // MARK: - Registration

    /// Applies a retained message on `<root>/<id>`: an empty payload deregisters, anything else registers or updates.
    public mutating func apply(registrationPayload payload: [UInt8], for id: EntityTopicID) throws(EntityStoreError) -> EntityChange {
        if payload.isEmpty { return .deregistered(deregister(id)) }
        let registration: EntityRegistration
        do { registration = try EntityRegistration(topicID: id, payload: payload) } catch {
            throw .invalidRegistration(error)
        }
        return try register(registration)
    }

    /// Registers a new entity (or keeps it pending until its parent is known), or applies an update to a known one.
    public mutating func register(_ registration: EntityRegistration) throws(EntityStoreError) -> EntityChange {
        let id = registration.topicID
        if let existing = nodes[id] { return try update(existing, with: registration) }
        if registration.type == .device { throw .mainDeviceAlreadyRegistered(mainDevice) }
        let parent = resolvedParent(of: registration)
        if parent == id { throw .selfParent(id) }
        var resolved = registration
        resolved.parent = parent
        guard let parentEntity = nodes[parent] else {
            pending.add(resolved)
            return .pending(parent: parent)
        }
        guard parentEntity.type.isDevice else { throw .serviceParent(parent: parent, child: id) }
        pending.remove(id)
        // The parent's stored id, not the copy just parsed: its string is then shared, not held twice.
        insert(resolved, parent: parentEntity.topicID)
        var registered = [RegisteredEntity(entity: nodes[id]!, dataMessages: pending.takeData(of: id))]
        var rejected: [EntityStoreError] = []
        registerPendingChildren(of: id, into: &registered, rejected: &rejected)
        return .registered(registered, rejected: rejected)
    }

    /// Child devices default to the main device; services to their default-scheme device, else the main device.
    private func resolvedParent(of registration: EntityRegistration) -> EntityTopicID {
        if let parent = registration.parent { return parent }
        if registration.type == .service, let device = registration.topicID.defaultServiceParent { return device }
        return mainDevice
    }

    private mutating func insert(_ registration: EntityRegistration, parent: EntityTopicID) {
        var registration = registration
        registration.parent = parent
        nodes[registration.topicID] = EntityMetadata(registration, parent: parent)
    }

    private mutating func registerPendingChildren(
        of id: EntityTopicID, into registered: inout [RegisteredEntity], rejected: inout [EntityStoreError]
    ) {
        for child in pending.takeChildren(of: id) {
            guard nodes[id]?.type.isDevice == true else {
                rejected.append(.serviceParent(parent: id, child: child.topicID))
                continue
            }
            insert(child, parent: nodes[id]?.topicID ?? id)
            registered.append(RegisteredEntity(entity: nodes[child.topicID]!, dataMessages: pending.takeData(of: child.topicID)))
            registerPendingChildren(of: child.topicID, into: &registered, rejected: &rejected)
        }
    }

    /// A registration of a known entity may change `@parent` and `@health` only.
    private mutating func update(_ existing: EntityMetadata, with registration: EntityRegistration) throws(EntityStoreError)
        -> EntityChange
    {
        let id = existing.topicID
        guard registration.type == existing.type else { throw .typeUpdate(id) }
        if let externalID = registration.externalID, externalID != existing.externalID { throw .externalIDUpdate(id) }
        if existing.type == .device, let parent = registration.parent, parent != existing.parent {
            throw .mainDeviceParentUpdate
        }
        for (key, value) in registration.twinData where existing.twin(key) != value { throw .twinUpdate(id) }
        var after = existing
        after.health = registration.health ?? existing.health
        if let parent = registration.parent, parent != existing.parent {
            if parent == id { throw .selfParent(id) }
            guard let parentEntity = nodes[parent] else { throw .unknownParent(parent) }
            guard parentEntity.type.isDevice else { throw .serviceParent(parent: parent, child: id) }
            if ancestors(of: parent).contains(id) { throw .descendantParent(parent: parent, child: id) }
            after.parent = parentEntity.topicID
        }
        guard after != existing else { return .unchanged }
        nodes[id] = after
        return .updated(before: existing, after: after)
    }

    /// Removes the entity and all its descendants (the entity first, then each level of descendants); the main
    /// device stays.
    public mutating func deregister(_ id: EntityTopicID) -> [EntityMetadata] {
        pending.remove(id)
        guard id != mainDevice, let entity = nodes.removeValue(forKey: id) else { return [] }
        var removed = [entity]
        var level: Set<EntityTopicID> = [id]
        while !level.isEmpty {
            let children = nodes.values.filter { $0.parent.map(level.contains) ?? false }.sorted { $0.topicID < $1.topicID }
            for child in children { nodes[child.topicID] = nil }
            removed += children
            level = Set(children.map(\.topicID))
        }
        return removed
    }

    // MARK: - Auto-registration

    /// What auto-registering an entity did: the registration messages to publish (retained, in order) and the
    /// entities now registered (those, plus pending children they unblocked).
    public struct AutoRegistration: Equatable, Sendable {
        public var messages: [EntityRegistration] = []
        public var registered: [RegisteredEntity] = []
        /// Set when the entity is unknown and cannot be auto-registered (custom scheme, or disabled).
        public var failure: EntityStoreError?

        public static let none = AutoRegistration()
    }

    /// Registers an unknown default-scheme entity (`device/<c>//` as a child of the main device;
    /// `device/<c>/service/<s>` after its device) with thin-edge's generated registrations.
    public mutating func autoRegister(_ id: EntityTopicID) -> AutoRegistration {
        guard nodes[id] == nil else { return .none }
        var result = AutoRegistration()
        let generated = id.defaultSchemeRegistrations
        guard autoRegister, !generated.isEmpty else {
            result.failure = autoRegister ? .nonDefaultScheme(id) : .unknownEntity(id)
            return result
        }
        for registration in generated where nodes[registration.topicID] == nil {
            guard case .registered(let entities, _)? = try? register(registration) else { continue }
            result.messages.append(registration)
            result.registered += entities
        }
        return result
    }

    // MARK: - Data

    /// Keeps a data message of an entity not registered yet; it comes back with the entity's registration.
    public mutating func cacheEarlyData(_ message: MQTTMessage, for id: EntityTopicID) { pending.cache(message, for: id) }

    /// Sets (or with nil, removes) a twin fragment; true when it changed.
    public mutating func updateTwin(_ id: EntityTopicID, key: String, value: JSONValue?) throws(EntityStoreError) -> Bool {
        guard !EntityRegistrationError.isInvalidTwinKey(key) else { throw .invalidTwinKey(key) }
        guard var entity = nodes[id] else { throw .unknownEntity(id) }
        let index = entity.twinData.firstIndex { $0.key == key }
        switch (index, value) {
        case (nil, nil): return false
        case (let index?, nil): entity.twinData.remove(at: index)
        case (let index?, let value?):
            if entity.twinData[index].value == value { return false }
            entity.twinData[index].value = value
        case (nil, let value?): entity.twinData.append((key, value))
        }
        nodes[id] = entity
        return true
    }
}
