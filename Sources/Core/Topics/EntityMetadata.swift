import TedgeThinEdgeJSON

/// A registered entity as the store keeps it: its registration with the parent resolved.
public struct EntityMetadata: Equatable, Sendable {
    public let topicID: EntityTopicID
    public let type: EntityType
    public let externalID: String?
    /// nil for the main device only.
    public internal(set) var parent: EntityTopicID?
    public internal(set) var health: EntityTopicID?
    /// The twin data as compact JSON text (nil when there is none): one string per entity rather than a tree of
    /// values keeps a store of thousands of entities small; it is parsed when asked for.
    private var twinText: String?

    init(_ registration: EntityRegistration, parent: EntityTopicID?) {
        topicID = registration.topicID
        type = registration.type
        externalID = registration.externalID
        self.parent = parent
        health = registration.health
        twinData = registration.twinData
    }

    /// The twin fragments, in the order they were given.
    public internal(set) var twinData: [(key: String, value: JSONValue)] {
        get {
            guard let twinText, case .success(.object(let members)) = JSONText.parse(Array(twinText.utf8)) else { return [] }
            return members
        }
        set { twinText = newValue.isEmpty ? nil : JSONText.serialize(.object(newValue)) }
    }

    public func twin(_ key: String) -> JSONValue? { twinData.first { $0.key == key }?.value }

    /// `name` when it is a string, else the default-scheme name (`<c>` of `device/<c>//`, `<s>` of a service).
    public var displayName: String? {
        if case .string(let name)? = twin("name") { return name }
        switch type {
        case .device: return externalID
        case .childDevice: return topicID.defaultDeviceName.map(String.init)
        case .service: return topicID.defaultServiceName.map(String.init)
        }
    }

    /// `type` when it is a string.
    public var displayType: String? { if case .string(let text)? = twin("type") { text } else { nil } }

    /// The registration this entity would be announced with (the store's view: parent resolved).
    public var registration: EntityRegistration {
        EntityRegistration(topicID: topicID, type: type, externalID: externalID, parent: parent, health: health, twinData: twinData)
    }

    public static func == (lhs: EntityMetadata, rhs: EntityMetadata) -> Bool { lhs.registration == rhs.registration }
}
