import TedgeProviderAPI

/// The contract every cloud provider passes, compiled or read from files. Test kits record its
/// violations (`TedgeCloudProviderTesting`: `ProviderContract.verify(MyProvider())`); `tedge mapper verify`
/// prints them, and `tedge connect` refuses a user-defined cloud that has any.
///
/// It checks what Core relies on: identity, namespaced and documented config keys that validate,
/// a bridge that renders and keeps every local topic under the provider's prefix, rules the cloud can
/// take, a connection check whose request goes out and whose answer can come back through the bridge,
/// converters that answer every input, valid or hostile, and operations (what the cloud asks of the
/// device) on that prefix that read any input. A provider defined in files
/// (`DefinedInFiles`) gets each violation with its file and line, and its files' own mistakes too.
public enum ProviderContract {
    /// Every violation; `config` is the configuration to describe the bridge and mapper with (default:
    /// the provider's keys with their defaults, in `/etc/tedge`).
    public static func violations(of provider: any CloudProvider, config: TedgeConfig? = nil) -> [ContractViolation] {
        let checker = ContractChecker(provider: provider, config: config)
        checker.checkIdentity()
        checker.checkConfigKeys()
        checker.checkBridge()
        checker.checkConnectionCheck()
        checker.checkMapper()
        checker.checkOperations()
        return checker.located()
    }

    static func samples(for kind: ConfigValueKind) -> [(String, Bool)] {
        switch kind {
        case .connectURL:
            return [
                ("cloud.example.com", true), ("cloud.example.com:8883", true), ("https://cloud.example.com", false), ("", false),
            ]
        case .port: return [("8883", true), ("70000", false), ("port", false)]
        case .flag: return [("true", true), ("false", true), ("yes", false)]
        case .ipAddress: return [("127.0.0.1", true), ("localhost", false)]
        case .positiveInteger: return [("10", true), ("0", false), ("x", false)]
        case .duration: return [("5s", true), ("10m", true), ("5 parsecs", false)]
        case .timeFormat: return [("unix", true), ("rfc-3339", true), ("rfc3339", true), ("iso8601", false)]
        case .entityTopicID: return [("device/child_001//", true), ("device/child", true), ("a/b/c/d/e", false), ("a/+", false)]
        case .topicPrefix: return [("az-second", true), ("a/b", false), ("#", false), ("", false)]
        case .string, .path: return [("/some/value", true), ("", false)]
        }
    }

    static func validMeasurements() -> [MQTTMessage] {
        [
            #"{"temperature": 23}"#, #"{"time": "2021-04-08T00:00:00+05:00", "pressure": 220.5}"#,
            #"{"location": {"latitude": 32.54, "longitude": -117.67}, "speed": 0}"#,
        ]
        .map { MQTTMessage(topic: "tedge/measurements", text: $0, qos: .atLeastOnce) }
    }

    static func hostileMessages(prefix: String) -> [MQTTMessage] {
        let payloads: [[UInt8]] = [
            [], [0xFF, 0xFE, 0x00], Array("{".utf8), Array("[]".utf8), Array("null".utf8), Array("\"text\"".utf8),
            Array("{\"a\": {\"b\": {\"c\": 1}}}".utf8), Array(String(repeating: "[", count: 100_000).utf8),
            Array(String(repeating: "{\"a\":", count: 10_000).utf8), Array(repeating: UInt8(ascii: "x"), count: 300_000),
            Array("{\"a\": 1e999}".utf8), Array("{\"a\": -1e-999}".utf8), Array("{\"a\": 99999999999999999999}".utf8),
            Array("{\"type\": 1, \"time\": 5}".utf8), Array("{\"\\u0000\": 1}".utf8), Array("{\"a\":1,\"a\":2}".utf8),
        ]
        let topics = [prefix, prefix + "/", prefix + "/child", prefix + "/+", prefix + "/#", prefix + "/a/b/c"]
        return topics.flatMap { topic in payloads.map { MQTTMessage(topic: topic, payload: $0, qos: .atLeastOnce) } }
    }

    static func preview(_ message: MQTTMessage) -> String {
        let text = String(decoding: message.payload.prefix(40), as: UTF8.self)
        return "\(message.topic) '\(text)\(message.payload.count > 40 ? "…" : "")'"
    }
}
