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
    /// Any other channel. `autoRegistration` says which registrations to publish first (retained).
    case data(EntityTopicID, Channel, autoRegistration: EntityStore.AutoRegistration)
}
