import TedgeMessaging

extension EntityStore {
    /// Takes one message in: registrations update the store (errors as thin-edge words them), data of an unknown
    /// default-scheme entity auto-registers it (when its payload is not empty, and not for commands and signals).
    public mutating func receive(_ message: MQTTMessage) -> TeInput {
        guard schema.contains(message.topic) else { return .other }
        if message.topic == schema.errorTopic { return .errorReport }
        let id: EntityTopicID
        let channel: Channel
        do { (id, channel) = try schema.parse(message.topic) } catch { return .invalid(error.description) }
        switch channel {
        case .entityMetadata:
            do { return .registration(id, try apply(registrationPayload: message.payload, for: id)) } catch {
                return .invalid(error.description)
            }
        case .command, .signal:
            return .data(id, channel, autoRegistration: .none)
        default:
            guard self[id] == nil, !message.payload.isEmpty else { return .data(id, channel, autoRegistration: .none) }
            return .data(id, channel, autoRegistration: autoRegister(id))
        }
    }
}
