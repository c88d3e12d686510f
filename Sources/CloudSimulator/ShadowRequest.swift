import TedgeProviderAPI

/// A device's request on a named shadow, as it arrives on the backend (`$aws/things/<thing>/shadow/name/<name>/get`
/// or `…/update`), and AWS IoT Core's answers to it: `get/accepted` with the shadow (or `get/rejected` 404 when there
/// is none); `update/accepted` and `update/documents` (`update/rejected` 400 for a bad update). Delta messages are
/// not published.
public struct ShadowRequest: Equatable, Sendable {
    public enum Operation: String, Sendable { case get, update }

    public let thing: String
    public let name: String
    public let operation: Operation

    public init?(topic: String) {
        let parts = topic.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 7, parts[0] == "$aws", parts[1] == "things", parts[3] == "shadow", parts[4] == "name",
            let operation = Operation(rawValue: String(parts[6]))
        else { return nil }
        thing = String(parts[2])
        name = String(parts[5])
        self.operation = operation
    }

    public init(thing: String, name: String, operation: Operation) {
        self.thing = thing
        self.name = name
        self.operation = operation
    }

    private var prefix: String { "$aws/things/\(thing)/shadow/name/\(name)/" }

    /// The messages AWS publishes in answer, topic and payload; `timestamp` in Unix seconds.
    public func answers(payload: [UInt8], shadows: ShadowStore, timestamp: Int64) -> [(topic: String, payload: String)] {
        let request: [(key: String, value: JSONValue)]
        if case .success(.object(let members)) = JSONText.parse(payload) { request = members } else { request = [] }
        let token = request.first { $0.key == "clientToken" }.map { [$0] } ?? []
        switch operation {
        case .get:
            guard let shadow = try? shadows.document(thing: thing, name: name), case .object(let members) = shadow else {
                let text = "No shadow exists with name: '\(name)'"
                return [
                    (
                        prefix + "get/rejected",
                        JSONText.serialize(.object([("code", .integer(404)), ("message", .string(text))] + token))
                    )
                ]
            }
            return [
                (prefix + "get/accepted", JSONText.serialize(.object(members + [("timestamp", .integer(timestamp))] + token)))
            ]
        case .update:
            guard let state = request.first(where: { $0.key == "state" })?.value,
                let (previous, current) = try? shadows.update(thing: thing, name: name, state: state)
            else {
                let message = "Invalid JSON: the update needs a state object"
                return [
                    (
                        prefix + "update/rejected",
                        JSONText.serialize(.object([("code", .integer(400)), ("message", .string(message))] + token))
                    )
                ]
            }
            let version = TwinStore.member("version", of: current) ?? .integer(1)
            let accepted = JSONValue.object([("state", state), ("version", version), ("timestamp", .integer(timestamp))] + token)
            let documents = JSONValue.object(
                [("previous", previous), ("current", current), ("timestamp", .integer(timestamp))] + token)
            return [
                (prefix + "update/accepted", JSONText.serialize(accepted)),
                (prefix + "update/documents", JSONText.serialize(documents)),
            ]
        }
    }
}
