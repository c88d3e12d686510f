import TedgeProviderAPI
import TedgeSystem

/// The device twins of the simulated IoT Hub, one JSON file per device in `<dir>/twins/`, so the running
/// simulator (reported patches) and `tedge-cloud-sim twin` (desired patches) share them (`LockedJSONFile`: both
/// may write at once).
public struct TwinStore: Sendable {
    let directory: String

    public init(simulator: SimulatorDirectory) { directory = FileSystem.join(simulator.path, "twins") }

    /// The twin as IoT Hub's GET answers it: `{"desired":{…,"$version":N},"reported":{…,"$version":M}}`.
    public func document(of deviceID: String) throws -> JSONValue { try file(deviceID).read() }

    /// Merges a reported-properties patch (JSON merge patch: null removes); returns the new version.
    public func patchReported(of deviceID: String, with patch: JSONValue) throws -> Int64 {
        try update(deviceID, section: "reported", patch: patch)
    }

    /// Merges a desired-properties patch; returns the new version.
    public func patchDesired(of deviceID: String, with patch: JSONValue) throws -> Int64 {
        try update(deviceID, section: "desired", patch: patch)
    }

    private func update(_ deviceID: String, section: String, patch: JSONValue) throws -> Int64 {
        guard case .object = patch else { throw TedgeError("A twin patch must be a JSON object") }
        return try file(deviceID).update { twin in
            let current = Self.member(section, of: twin) ?? .object([])
            let version = (Self.version(of: current) ?? 0) + 1
            let merged = Self.setting("$version", to: .integer(version), in: Self.merge(current, patch))
            twin = Self.setting(section, to: merged, in: twin)
            return version
        }
    }

    private func file(_ deviceID: String) -> LockedJSONFile {
        LockedJSONFile(
            path: FileSystem.join(directory, MessageProperties.encode(deviceID) + ".json"),
            initial: .object([
                ("desired", .object([("$version", .integer(1))])), ("reported", .object([("$version", .integer(1))])),
            ]))
    }

    public static func member(_ key: String, of value: JSONValue) -> JSONValue? {
        guard case .object(let members) = value else { return nil }
        return members.first { $0.key == key }?.value
    }

    static func version(of value: JSONValue) -> Int64? {
        if case .integer(let version)? = member("$version", of: value) { return version }
        return nil
    }

    public static func setting(_ key: String, to newValue: JSONValue, in value: JSONValue) -> JSONValue {
        guard case .object(var members) = value else { return .object([(key, newValue)]) }
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = newValue
        } else {
            members.append((key, newValue))
        }
        return .object(members)
    }

    /// RFC 7396 merge patch; `$`-keys of the patch (versions, metadata) are the hub's, not the device's.
    public static func merge(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let changes) = patch else { return patch }
        var result = target
        if case .object = result {} else { result = .object([]) }
        for (key, change) in changes where !key.hasPrefix("$") {
            if change == .null {
                if case .object(let members) = result { result = .object(members.filter { $0.key != key }) }
            } else {
                result = setting(key, to: merge(member(key, of: result) ?? .null, change), in: result)
            }
        }
        return result
    }
}
