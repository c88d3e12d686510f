/// The 4-segment identifier of an entity inside a `te/` topic: `device/main//`, `device/child1//`,
/// `device/main/service/tedge-mapper-az`, or any custom 4 segments. Shorter ids are padded with empty
/// segments (`device/child1` is `device/child1//`); more than 4 segments are refused.
public struct EntityTopicID: Hashable, Sendable, CustomStringConvertible, Comparable {
    public static let segmentCount = 4

    /// Always exactly 4 segments joined by `/`.
    public let description: String

    /// Why a string is not an entity topic id (thin-edge's texts).
    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case tooLong
        case invalidMQTTTopic

        public var description: String {
            switch self {
            case .tooLong: return "An entity topic identifier has at most 4 segments"
            case .invalidMQTTTopic: return "An entity topic identifier must be a valid MQTT topic"
            }
        }
    }

    /// Pads `text` to 4 segments; refuses more than 4, and MQTT wildcards or NUL (not a topic name).
    public init(_ text: String) throws(ParseError) {
        var slashes = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "/"): slashes += 1
            case UInt8(ascii: "+"), UInt8(ascii: "#"), 0: throw .invalidMQTTTopic
            default: continue
            }
        }
        guard slashes < Self.segmentCount else { throw .tooLong }
        description = text + String(repeating: "/", count: Self.segmentCount - 1 - slashes)
    }

    /// For ids built from parts already known to be valid.
    init(unchecked text: String) { description = text }

    public static let mainDevice = EntityTopicID(unchecked: "device/main//")

    /// `device/<child>//`.
    public static func childDevice(_ child: String) throws(ParseError) -> EntityTopicID {
        try EntityTopicID("device/\(child)//")
    }

    /// `device/main/service/<service>`.
    public static func mainService(_ service: String) throws(ParseError) -> EntityTopicID {
        try EntityTopicID("device/main/service/\(service)")
    }

    /// `device/<device>/service/<service>`.
    public static func service(_ service: String, ofDevice device: String) throws(ParseError) -> EntityTopicID {
        try EntityTopicID("device/\(device)/service/\(service)")
    }

    /// The 4 segments.
    public var segments: [Substring] { description.split(separator: "/", omittingEmptySubsequences: false) }

    public var isDefaultMainDevice: Bool { self == .mainDevice }

    /// `<d>` of `device/<d>//` or `device/<d>/service/<s>` (the default scheme), else nil.
    public var defaultDeviceName: Substring? {
        let parts = segments
        guard parts[0] == "device" else { return nil }
        if parts[2] == "service" || (parts[2].isEmpty && parts[3].isEmpty) { return parts[1] }
        return nil
    }

    /// `<s>` of `device/<d>/service/<s>`, else nil.
    public var defaultServiceName: Substring? {
        let parts = segments
        return parts[0] == "device" && parts[2] == "service" ? parts[3] : nil
    }

    /// `device/<d>//` for a service `device/<d>/service/<s>`, else nil.
    public var defaultServiceParent: EntityTopicID? {
        let parts = segments
        guard parts[0] == "device", parts[2] == "service" else { return nil }
        return EntityTopicID(unchecked: "device/\(parts[1])//")
    }

    /// The service `<service>` of this device in the default scheme (`device/<d>/service/<service>`), nil when
    /// this id is not a default-scheme device or the name is not a valid segment.
    public func defaultService(named service: String) -> EntityTopicID? {
        guard let device = defaultDeviceName, !service.contains("/") else { return nil }
        return try? EntityTopicID.service(service, ofDevice: String(device))
    }

    /// The entities auto-registration creates for this id, parents first: `device/<c>//` → the child device;
    /// `device/<c>/service/<s>` → the device `device/<c>//` (unless it is `main`), then the service. Empty for
    /// the main device and for ids outside the default scheme (`device/<device-id>/service/<service-id>`).
    public var defaultSchemeRegistrations: [EntityRegistration] {
        let parts = segments
        guard parts[0] == "device", !parts[1].isEmpty else { return [] }
        let device = EntityTopicID(unchecked: "device/\(parts[1])//")
        let deviceRegistration =
            device == .mainDevice
            ? []
            : [
                EntityRegistration(
                    topicID: device, type: .childDevice, parent: .mainDevice, twinData: [("name", .string(String(parts[1])))])
            ]
        switch (parts[2], parts[3]) {
        case ("", ""):
            return deviceRegistration
        case ("service", let service) where !service.isEmpty:
            return deviceRegistration + [
                EntityRegistration(
                    topicID: self, type: .service, parent: device, twinData: [("name", .string(String(service)))])
            ]
        default:
            return []
        }
    }

    /// Whether auto-registration applies: `device/<d>//` or `device/<d>/service/<s>` with non-empty names.
    public var matchesDefaultScheme: Bool { isDefaultMainDevice || !defaultSchemeRegistrations.isEmpty }

    public static func < (lhs: EntityTopicID, rhs: EntityTopicID) -> Bool {
        lhs.description.utf8.lexicographicallyPrecedes(rhs.description.utf8)
    }
}
