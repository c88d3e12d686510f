import TedgeMessaging
import TedgeThinEdgeJSON

extension EntityStore {
    /// Takes one message in: registrations update the store (errors as thin-edge words them), twin fragments update
    /// the entity's twin data (keys and values checked, a bad value in serde's words, as thin-edge reports it), data of
    /// an unknown default-scheme entity auto-registers it (when its payload is not empty, and not for commands and
    /// signals).
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
        case .twin(let key):
            // The one place a twin fragment is checked and kept: every mapper's store sees it the same way.
            guard !EntityRegistrationError.isInvalidTwinKey(key) else { return .invalid(EntityStoreError.invalidTwinKey(key).description) }
            var value: JSONValue?
            if !message.payload.isEmpty {
                switch SerdeText.parse(message.payload) {
                case .success(let parsed): value = parsed
                case .failure(let error): return .invalid(error.description)
                }
            }
            let autoRegistration = autoRegisterIfNeeded(id, payload: message.payload)
            let changed = self[id] != nil && (try? updateTwin(id, key: key, value: value)) == true
            return .twin(id, fragment: key, value: value, changed: changed, autoRegistration: autoRegistration)
        default:
            return .data(id, channel, autoRegistration: autoRegisterIfNeeded(id, payload: message.payload))
        }
    }

    private mutating func autoRegisterIfNeeded(_ id: EntityTopicID, payload: [UInt8]) -> AutoRegistration {
        guard self[id] == nil, !payload.isEmpty else { return .none }
        return autoRegister(id)
    }
}
