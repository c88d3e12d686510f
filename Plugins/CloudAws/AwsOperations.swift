import TedgeProviderAPI

/// What AWS IoT Core has of Azure's shape, on the local topics under `aws.bridge.topic_prefix` (`aws/`):
/// - commands: `thinedge/<id>/cmd/<name>/<request-id>` (bridged in as `aws/cmd/<name>/<request-id>`) run the handler
///   `operations/aws/<name>`; AWS has no answer channel for them, so the answer goes out with the telemetry, on
///   `aws/td/cmd/<name>/<request-id>` as `{"status":<status>,"payload":<answer>}` (`thinedge/<id>/td/…` in the cloud);
/// - the named shadow `tedge` plays the twin: read with `shadow/name/tedge/get`, reported state sent with
///   `shadow/name/tedge/update` (both carry our request id as `clientToken`), desired state read from
///   `shadow/name/tedge/update/documents`, whole, after every update;
/// - each desired property is kept retained on `aws/twin/desired/<key>` (not under `shadow/`, which is bridged both
///   ways: AWS IoT closes the connection of a device publishing on an unknown shadow topic).
/// AWS has no cloud-to-device messages apart from commands.
public struct AwsOperations: CloudOperations {
    public static let shadowName = "tedge"

    /// `aws/`, from `aws.bridge.topic_prefix`.
    public let prefix: String

    public init(topicPrefix: String = "aws") { prefix = topicPrefix + "/" }

    public let handlerDirectory = "operations/aws"
    private var commandPrefix: String { prefix + "cmd/" }
    private var shadow: String { prefix + "shadow/name/\(Self.shadowName)/" }

    public var subscriptions: [String] {
        [commandPrefix + "#"]
            + ["get/accepted", "get/rejected", "update/accepted", "update/rejected", "update/documents"].map { shadow + $0 }
    }
    public var linkServices: [String] {
        let name = String(prefix.dropLast())
        return ["mosquitto-\(name)-bridge", "tedge-mapper-bridge-\(name)"]
    }
    public var desiredTopicPrefix: String { prefix + "twin/desired/" }

    public func interpret(_ message: MQTTMessage) -> CloudOperationInput? {
        let topic = message.topic
        if topic.hasPrefix(commandPrefix) {
            // `<name>/<request-id>`: the request id after the last `/`, the name (slashes included, refused later) before.
            let rest = Array(topic.utf8.dropFirst(commandPrefix.utf8.count))
            guard let slash = rest.lastIndex(of: UInt8(ascii: "/")), slash + 1 < rest.count else {
                return .unanswerable("a command without a request id on \(topic)")
            }
            return .methodCall(
                CloudMethodCall(
                    name: String(decoding: rest[..<slash], as: UTF8.self),
                    requestID: String(decoding: rest[(slash + 1)...], as: UTF8.self), payload: message.payload))
        }
        guard topic.hasPrefix(shadow), case .success(.object(let document)) = JSONText.parse(message.payload) else { return nil }
        let token = Self.string("clientToken", in: document) ?? ""
        switch String(topic.dropFirst(shadow.count)) {
        case "get/accepted":
            let desired = Self.member("desired", in: Self.member("state", in: document)) ?? .object([])
            return .twinAnswer(
                TwinAnswer(requestID: token, status: 200, desired: desired, version: Self.integer("version", in: document)))
        case "get/rejected" where Self.integer("code", in: document) == 404:
            // No shadow yet: nothing is desired.
            return .twinAnswer(TwinAnswer(requestID: token, status: 200, desired: .object([])))
        case "get/rejected", "update/rejected":
            return .twinAnswer(
                TwinAnswer(
                    requestID: token, status: Int(Self.integer("code", in: document) ?? 500),
                    message: Self.string("message", in: document) ?? ""))
        case "update/accepted":
            return .twinAnswer(TwinAnswer(requestID: token, status: 200, version: Self.integer("version", in: document)))
        case "update/documents":
            let current = Self.member("current", in: .object(document))
            let desired = Self.member("desired", in: Self.member("state", in: current)) ?? .object([])
            return .desiredDocument(desired, version: current.flatMap { Self.integer("version", in: $0) })
        default:
            return nil
        }
    }

    public func methodResponse(to call: CloudMethodCall, status: Int, payload: [UInt8]) -> MQTTMessage? {
        let answer = (try? JSONText.parse(payload).get()) ?? .string(String(decoding: payload, as: UTF8.self))
        return MQTTMessage(
            topic: prefix + "td/cmd/\(call.name)/\(call.requestID)",
            text: JSONText.serialize(.object([("status", .integer(Int64(status))), ("payload", answer)])), qos: .atLeastOnce)
    }

    public func twinRequest(requestID: String) -> MQTTMessage? {
        MQTTMessage(
            topic: shadow + "get", text: JSONText.serialize(.object([("clientToken", .string(requestID))])), qos: .atLeastOnce)
    }

    public func reportedPatch(_ patch: JSONValue, requestID: String) -> MQTTMessage? {
        let update = JSONValue.object([("state", .object([("reported", patch)])), ("clientToken", .string(requestID))])
        return MQTTMessage(topic: shadow + "update", text: JSONText.serialize(update), qos: .atLeastOnce)
    }

    private static func member(_ key: String, in value: JSONValue?) -> JSONValue? {
        guard case .object(let members)? = value else { return nil }
        return members.first { $0.key == key }?.value
    }

    private static func member(_ key: String, in members: [(key: String, value: JSONValue)]) -> JSONValue? {
        member(key, in: .object(members))
    }

    private static func string(_ key: String, in members: [(key: String, value: JSONValue)]) -> String? {
        if case .string(let text)? = member(key, in: members) { return text }
        return nil
    }

    private static func integer(_ key: String, in value: JSONValue) -> Int64? {
        if case .integer(let number)? = member(key, in: value) { return number }
        return nil
    }

    private static func integer(_ key: String, in members: [(key: String, value: JSONValue)]) -> Int64? {
        integer(key, in: .object(members))
    }
}
