/// The `<op>` of `cmd/<op>[/<id>]`: thin-edge's known operations, anything else custom.
public enum OperationType: Hashable, Sendable, CustomStringConvertible {
    case restart, softwareList, softwareUpdate, logUpload, configSnapshot, configUpdate, firmwareUpdate, deviceProfile
    /// `health`, only as `cmd/health/check`.
    case health
    case custom(String)

    static let known: [(String, OperationType)] = [
        ("restart", .restart), ("software_list", .softwareList), ("software_update", .softwareUpdate),
        ("log_upload", .logUpload), ("config_snapshot", .configSnapshot), ("config_update", .configUpdate),
        ("firmware_update", .firmwareUpdate), ("device_profile", .deviceProfile), ("health", .health),
    ]

    public init(_ name: String) {
        self = Self.known.first { $0.0 == name }?.1 ?? .custom(name)
    }

    public var description: String {
        if case .custom(let name) = self { return name }
        return Self.known.first { $0.1 == self }!.0
    }
}
