import TedgeProviderAPI
import TedgeSystem

/// AWS IoT Core's named device shadows, one JSON file per thing and shadow in `<dir>/shadows/`:
/// `{"state":{"desired":{…},"reported":{…}},"version":N}`. The running simulator (the device's updates) and
/// `tedge-cloud-sim shadow` (desired state) share them.
public struct ShadowStore: Sendable {
    let directory: String

    public init(simulator: SimulatorDirectory) { directory = FileSystem.join(simulator.path, "shadows") }

    /// The shadow, or nil when there is none yet (AWS answers a read with 404 then).
    public func document(thing: String, name: String) throws -> JSONValue? {
        let file = self.file(thing, name)
        return file.exists ? try file.read() : nil
    }

    /// Merges `state` (`{"desired":{…},"reported":{…}}`, `null` removes) and counts a version; returns the shadow
    /// before and after.
    public func update(thing: String, name: String, state: JSONValue) throws -> (previous: JSONValue, current: JSONValue) {
        guard case .object(let sections) = state else { throw TedgeError("A shadow update's state must be a JSON object") }
        return try file(thing, name).update { shadow in
            let previous = shadow
            var merged = TwinStore.member("state", of: shadow) ?? .object([])
            for (section, patch) in sections where section == "desired" || section == "reported" {
                merged = TwinStore.setting(
                    section, to: TwinStore.merge(TwinStore.member(section, of: merged) ?? .object([]), patch), in: merged)
            }
            let version: Int64
            if case .integer(let current)? = TwinStore.member("version", of: shadow) {
                version = current + 1
            } else {
                version = 1
            }
            shadow = .object([("state", merged), ("version", .integer(version))])
            return (previous, shadow)
        }
    }

    private func file(_ thing: String, _ name: String) -> LockedJSONFile {
        LockedJSONFile(
            path: FileSystem.join(directory, MessageProperties.encode(thing) + "." + MessageProperties.encode(name) + ".json"),
            initial: .object([
                ("state", .object([("desired", .object([])), ("reported", .object([]))])), ("version", .integer(0)),
            ]))
    }
}
