/// The `te/` topic scheme under a root (`mqtt.topic_root`, `te` by default): `<root>/<4-segment id>/<channel>`.
public struct TopicSchema: Hashable, Sendable {
    public static let defaultRoot = "te"

    public let root: String

    public init(root: String = TopicSchema.defaultRoot) { self.root = root }

    /// `<root>/errors`, where mappers report bad input.
    public var errorTopic: String { "\(root)/errors" }

    /// Whether `topic` is under this root (the legacy `tedge/…` topics are not).
    public func contains(_ topic: String) -> Bool {
        topic.utf8.count > root.utf8.count && topic.hasPrefix(root) && topic.utf8.dropFirst(root.utf8.count).first == UInt8(ascii: "/")
    }

    /// The entity and channel a topic addresses. After the root, the first 4 segments are the id even when
    /// they look like a channel; fewer are padded (`te/device/child1` is the registration of `device/child1//`).
    public func parse(_ topic: String) throws(EntityTopicError) -> (EntityTopicID, Channel) {
        guard let slash = topic.utf8.firstIndex(of: UInt8(ascii: "/")) else {
            throw .root(expected: root, got: topic)
        }
        let first = String(topic[..<slash])
        guard first == root else { throw .root(expected: root, got: first) }
        let rest = topic[topic.index(after: slash)...]
        var slashes = 0
        var idEnd = rest.endIndex
        for index in rest.indices where rest[index] == "/" {
            slashes += 1
            if slashes == EntityTopicID.segmentCount {
                idEnd = index
                break
            }
        }
        let id: EntityTopicID
        do { id = try EntityTopicID(String(rest[..<idEnd])) } catch { throw .topicID(error) }
        // thin-edge trims every leading `/` of the channel part, so `te/a/b/c/d//m/x` is a measurement too.
        let channelText = String(rest[idEnd...].drop { $0 == "/" })
        do { return (id, try Channel(channelText)) } catch { throw .channel(error) }
    }

    /// `<root>/<id>` for a registration, `<root>/<id>/<channel>` otherwise.
    public func topic(for id: EntityTopicID, _ channel: Channel = .entityMetadata) -> String {
        let suffix = channel.description
        return suffix.isEmpty ? "\(root)/\(id)" : "\(root)/\(id)/\(suffix)"
    }

    /// Filters for every entity: `<root>/+/+/+/+` plus `suffix` (`/m/+`, `/status/health`, or empty for registrations).
    public func anyEntity(_ suffix: String = "") -> String { "\(root)/+/+/+/+\(suffix)" }

    /// Registrations of all entities, as every mapper subscribes to build its entity store.
    public var registrationFilter: String { anyEntity() }

    /// The default inputs of the Azure and AWS mappers: measurements, events, alarms, health of every entity.
    public var telemetryFilters: [String] { ["/m/+", "/e/+", "/a/+", "/status/health"].map(anyEntity) }
}
