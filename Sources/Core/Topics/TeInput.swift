import TedgeThinEdgeJSON

/// What one MQTT message is to a mapper, once its entity store has seen it (`EntityStore.receive`).
public enum TeInput: Equatable, Sendable {
    /// Not under the topic root: the legacy `tedge/…` path, or a user's own topic.
    case other
    /// `<root>/errors`: mappers' own reports, never mapped (a mapper that maps them would loop).
    case errorReport
    /// Bad input: thin-edge's text, to publish on `<root>/errors`.
    case invalid(String)
    /// A registration, update or deregistration on `<root>/<id>`.
    case registration(EntityTopicID, EntityChange)
    /// A twin fragment on `<root>/<id>/twin/<fragment>`, its key and value checked (nil: the fragment removed).
    /// `changed` says whether the entity's twin data changed: false when it already held that value, and when the
    /// entity is not registered (yet). `autoRegistration` as for `data`.
    case twin(
        EntityTopicID, fragment: String, value: JSONValue?, changed: Bool, autoRegistration: EntityStore.AutoRegistration)
    /// Any other channel. `autoRegistration` says which registrations to publish first (retained).
    case data(EntityTopicID, Channel, autoRegistration: EntityStore.AutoRegistration)
}
