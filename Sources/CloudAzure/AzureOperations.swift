import TedgeProviderAPI

/// IoT Hub's device-side API for direct methods, the twin and cloud-to-device messages, on the local topics both
/// bridge modes deliver (`$iothub/…` as `az/…`, `devices/<id>/messages/devicebound/…` as `az/messages/devicebound/…`):
/// - a method call `az/methods/POST/<name>/?$rid=<rid>` is answered on `az/methods/res/<status>/?$rid=<rid>`;
/// - the twin is read with `az/twin/GET/?$rid=<rid>` and reported properties patched with
///   `az/twin/PATCH/properties/reported/?$rid=<rid>`, both answered on `az/twin/res/<status>/?$rid=<rid>[&$version=<v>]`;
/// - desired-property patches arrive on `az/twin/PATCH/properties/desired/?$version=<v>`;
/// - each desired property is kept retained on `az/twin/desired/<key>`.
public struct AzureOperations: CloudOperations {
    public init() {}

    static let methodPrefix = "az/methods/POST/"
    static let twinAnswerPrefix = "az/twin/res/"
    static let desiredPatchPrefix = "az/twin/PATCH/properties/desired/"
    static let cloudMessagePrefix = "az/messages/devicebound/"

    public let handlerDirectory = "operations/az"
    public var subscriptions: [String] {
        [Self.methodPrefix + "#", Self.twinAnswerPrefix + "#", Self.desiredPatchPrefix + "#", Self.cloudMessagePrefix + "#"]
    }
    public let linkServices = ["mosquitto-az-bridge", "tedge-mapper-bridge-az"]
    public let desiredTopicPrefix = "az/twin/desired/"

    public func interpret(_ message: MQTTMessage) -> CloudOperationInput? {
        let topic = message.topic
        if topic.hasPrefix(Self.methodPrefix) {
            // `<name>/?$rid=<rid>`: the name is everything before the last `/?`, slashes included (refused later).
            let rest = String(topic.dropFirst(Self.methodPrefix.count))
            guard let (name, query) = Self.splitQuery(rest), let requestID = PercentEncoding.query(query)["$rid"] else {
                return .unanswerable("a method call without a request id on \(topic)")
            }
            return .methodCall(CloudMethodCall(name: name, requestID: requestID, payload: message.payload))
        }
        if topic.hasPrefix(Self.twinAnswerPrefix) {
            let rest = String(topic.dropFirst(Self.twinAnswerPrefix.count))
            guard let (statusText, query) = Self.splitQuery(rest), let status = Int(statusText) else { return nil }
            let parameters = PercentEncoding.query(query)
            guard let requestID = parameters["$rid"] else { return nil }
            var answer = TwinAnswer(
                requestID: requestID, status: status, version: parameters["$version"].flatMap { Int64($0) },
                message: String(decoding: message.payload, as: UTF8.self))
            // A GET's answer is the twin: `{"desired":{…,"$version":N},"reported":{…}}`.
            if case .success(.object(let members)) = JSONText.parse(message.payload),
                let desired = members.first(where: { $0.key == "desired" })?.value
            {
                answer.desired = desired
                answer.version = Self.version(in: desired) ?? answer.version
                answer.message = ""
            }
            return .twinAnswer(answer)
        }
        if topic.hasPrefix(Self.desiredPatchPrefix) {
            guard case .success(let patch) = JSONText.parse(message.payload) else { return nil }
            let query = Self.splitQuery(String(topic.dropFirst(Self.desiredPatchPrefix.count)))?.query ?? ""
            let version = PercentEncoding.query(query)["$version"].flatMap { Int64($0) } ?? Self.version(in: patch)
            return .desiredPatch(patch, version: version)
        }
        if topic.hasPrefix(Self.cloudMessagePrefix) {
            let bag = String(topic.dropFirst(Self.cloudMessagePrefix.count))
            let properties = PercentEncoding.queryPairs(bag).map { CloudMessage.Property($0.key, $0.value) }
            return .cloudMessage(CloudMessage(properties: properties, payload: message.payload))
        }
        return nil
    }

    public func methodResponse(to call: CloudMethodCall, status: Int, payload: [UInt8]) -> MQTTMessage? {
        MQTTMessage(topic: "az/methods/res/\(status)/?$rid=\(call.requestID)", payload: payload, qos: .atLeastOnce)
    }

    public func twinRequest(requestID: String) -> MQTTMessage? {
        MQTTMessage(topic: "az/twin/GET/?$rid=\(requestID)", payload: [], qos: .atLeastOnce)
    }

    public func reportedPatch(_ patch: JSONValue, requestID: String) -> MQTTMessage? {
        MQTTMessage(
            topic: "az/twin/PATCH/properties/reported/?$rid=\(requestID)", text: JSONText.serialize(patch), qos: .atLeastOnce)
    }

    /// `<before>/?<query>` split at the last `/?`.
    static func splitQuery(_ text: String) -> (String, query: String)? {
        let bytes = Array(text.utf8)
        guard
            let slash = bytes.indices.dropLast().last(where: {
                bytes[$0] == UInt8(ascii: "/") && bytes[$0 + 1] == UInt8(ascii: "?")
            })
        else { return nil }
        return (String(decoding: bytes[..<slash], as: UTF8.self), String(decoding: bytes[(slash + 2)...], as: UTF8.self))
    }

    static func version(in value: JSONValue) -> Int64? {
        guard case .object(let members) = value,
            case .integer(let version)? = members.first(where: { $0.key == "$version" })?.value
        else { return nil }
        return version
    }
}
