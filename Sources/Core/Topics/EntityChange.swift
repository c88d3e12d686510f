import TedgeMessaging

/// What a registration message (or an auto-registration) did to the entity store.
public enum EntityChange: Equatable, Sendable {
    /// The entity, then the pending entities that could now be registered under it (parents before children).
    /// `rejected`: pending entities that can never be registered (their parent turned out to be a service).
    case registered([RegisteredEntity], rejected: [EntityStoreError])
    /// Kept until its parent is registered.
    case pending(parent: EntityTopicID)
    /// `@parent` or `@health` changed.
    case updated(before: EntityMetadata, after: EntityMetadata)
    case unchanged
    /// The entity and all its descendants, the entity first (an empty retained registration).
    case deregistered([EntityMetadata])
}

/// An entity just registered, with the data messages cached for it while it was unknown.
public struct RegisteredEntity: Equatable, Sendable {
    public let entity: EntityMetadata
    public let dataMessages: [MQTTMessage]

    public init(entity: EntityMetadata, dataMessages: [MQTTMessage] = []) {
        self.entity = entity
        self.dataMessages = dataMessages
    }
}
