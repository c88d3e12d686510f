import TedgeThinEdgeJSON

/// Why a retained message on `<root>/<id>` is not a registration (thin-edge's texts where it has one).
public struct EntityRegistrationError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }

    static let missingType = EntityRegistrationError("missing field `@type`")

    static func unknownType(_ name: String) -> EntityRegistrationError {
        EntityRegistrationError("unknown variant `\(name)`, expected one of `device`, `child-device`, `service`")
    }

    static func invalidType(_ value: JSONValue, expected: String) -> EntityRegistrationError {
        EntityRegistrationError("invalid type: \(JSONText.unexpected(value)), expected \(expected)")
    }

    /// A twin key a registration cannot carry.
    public static func invalidTwinKey(_ key: String) -> EntityRegistrationError {
        EntityRegistrationError(
            "Invalid twin key: '\(key)'. Keys that are empty, containing '/' or starting with '@' are not allowed")
    }

    /// Empty, containing `/` or starting with `@`: not a twin key.
    public static func isInvalidTwinKey(_ key: String) -> Bool {
        key.isEmpty || key.utf8.first == UInt8(ascii: "@") || key.utf8.contains(UInt8(ascii: "/"))
    }
}
