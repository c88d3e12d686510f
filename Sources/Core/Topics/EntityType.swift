/// `@type` of a registration.
public enum EntityType: String, Hashable, Sendable, CustomStringConvertible {
    /// The main device only; it is pre-registered.
    case device = "device"
    case childDevice = "child-device"
    case service = "service"

    public var description: String { rawValue }

    public var isDevice: Bool { self != .service }
}
