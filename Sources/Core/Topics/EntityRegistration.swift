import TedgeMessaging
import TedgeThinEdgeJSON

/// A registration message (retained on `<root>/<topic id>`): `@type`, `@id`, `@parent`, `@health`, and any
/// other key as initial twin data (`name` and `type` are the display name and type clouds use).
public struct EntityRegistration: Equatable, Sendable {
    public var topicID: EntityTopicID
    public var type: EntityType
    /// `@id`: the entity's id in the cloud, when not derived from the topic id.
    public var externalID: String?
    public var parent: EntityTopicID?
    /// `@health`: the service that reports this entity's health.
    public var health: EntityTopicID?
    /// The other keys, in the order given.
    public var twinData: [(key: String, value: JSONValue)]

    public init(
        topicID: EntityTopicID, type: EntityType, externalID: String? = nil, parent: EntityTopicID? = nil,
        health: EntityTopicID? = nil, twinData: [(key: String, value: JSONValue)] = []
    ) {
        self.topicID = topicID
        self.type = type
        self.externalID = externalID
        self.parent = parent
        self.health = health
        self.twinData = twinData
    }

    /// Parses a non-empty registration payload (an empty one deregisters, see `EntityStore`).
    public init(topicID: EntityTopicID, payload: [UInt8]) throws(EntityRegistrationError) {
        let document: JSONValue
        switch JSONText.parse(payload) {
        case .success(let value): document = value
        case .failure(let error): throw EntityRegistrationError(error.description)
        }
        guard case .object(let members) = document else {
            throw .invalidType(document, expected: "struct EntityRegistrationPayload")
        }
        var type: EntityType?
        self.topicID = topicID
        self.twinData = []
        for (key, value) in members {
            switch key {
            case "@type":
                guard case .string(let name) = value else { throw .invalidType(value, expected: "enum EntityType") }
                guard let known = EntityType(rawValue: name) else { throw .unknownType(name) }
                type = known
            case "@id": externalID = try Self.optionalString(value)
            case "@parent": parent = try Self.optionalTopicID(value)
            case "@health": health = try Self.optionalTopicID(value)
            default:
                guard !EntityRegistrationError.isInvalidTwinKey(key) else { throw .invalidTwinKey(key) }
                twinData.append((key, value))
            }
        }
        guard let type else { throw .missingType }
        self.type = type
    }

    private static func optionalString(_ value: JSONValue) throws(EntityRegistrationError) -> String? {
        switch value {
        case .null: return nil
        case .string(let text): return text
        default: throw .invalidType(value, expected: "a string")
        }
    }

    private static func optionalTopicID(_ value: JSONValue) throws(EntityRegistrationError) -> EntityTopicID? {
        guard let text = try optionalString(value) else { return nil }
        do { return try EntityTopicID(text) } catch { throw EntityRegistrationError(error.description) }
    }

    /// The twin value of `key`.
    public func twin(_ key: String) -> JSONValue? { twinData.last { $0.key == key }?.value }

    /// `name`, when it is a string.
    public var name: String? { if case .string(let text)? = twin("name") { text } else { nil } }
    /// `type`, when it is a string.
    public var displayType: String? { if case .string(let text)? = twin("type") { text } else { nil } }

    /// The payload thin-edge writes: compact JSON, keys in alphabetical order.
    public var payload: String {
        var members: [(key: String, value: JSONValue)] = [("@type", .string(type.rawValue))]
        if let externalID { members.append(("@id", .string(externalID))) }
        if let parent { members.append(("@parent", .string(parent.description))) }
        if let health { members.append(("@health", .string(health.description))) }
        for (key, value) in twinData {
            members.removeAll { $0.key == key }
            members.append((key, value))
        }
        return JSONText.serializeSortingKeys(.object(members))
    }

    /// The retained registration message on `<root>/<id>` (QoS 1).
    public func message(in schema: TopicSchema) -> MQTTMessage {
        MQTTMessage(topic: schema.topic(for: topicID), text: payload, qos: .atLeastOnce, retain: true)
    }

    public static func == (lhs: EntityRegistration, rhs: EntityRegistration) -> Bool {
        lhs.topicID == rhs.topicID && lhs.type == rhs.type && lhs.externalID == rhs.externalID && lhs.parent == rhs.parent
            && lhs.health == rhs.health && lhs.twinData.count == rhs.twinData.count
            && zip(lhs.twinData, rhs.twinData).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
