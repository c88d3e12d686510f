import TedgeProviderAPI
import Testing

/// The contract every cloud provider passes, runnable from any provider's tests with one call:
///
///     @Test func contract() { ProviderContract.verify(MyProvider()) }
///
/// It checks what Core relies on: identity, namespaced and documented config keys that validate,
/// a bridge that renders and keeps every local topic under the provider's prefix, a connection
/// check over that prefix, converters that answer every input, valid or hostile, and operations (what the cloud asks
/// of the device) on that prefix that read any input.
public enum ProviderContract {
    /// Records one test issue per violation.
    public static func verify(_ provider: any CloudProvider, sourceLocation: SourceLocation = #_sourceLocation) {
        for violation in violations(of: provider) { Issue.record("\(violation)", sourceLocation: sourceLocation) }
    }

    public static func violations(of provider: any CloudProvider) -> [ContractViolation] {
        var found: [ContractViolation] = []
        func check(_ condition: Bool, _ rule: String, _ detail: @autoclosure () -> String) {
            if !condition { found.append(ContractViolation(provider: provider.id, rule: rule, detail: detail())) }
        }

        // Identity.
        let id = provider.id
        check(
            !id.isEmpty && id.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) },
            "the id is lower-case letters and digits", "id is '\(id)'")
        check(
            !provider.displayName.isEmpty && !provider.cloudName.isEmpty && !provider.bridgeName.isEmpty,
            "the names for texts are not empty",
            "displayName '\(provider.displayName)', cloudName '\(provider.cloudName)', bridgeName '\(provider.bridgeName)'")

        // Config keys.
        let keys = provider.configKeys
        check(!keys.isEmpty, "the provider contributes config keys", "configKeys is empty")
        let names = keys.map(\.name)
        check(Set(names).count == names.count, "config keys are unique", "duplicates in \(names)")
        check(
            names.contains(provider.urlKey.name), "the endpoint key '<id>.url' is declared",
            "\(provider.urlKey.name) is missing from \(names)")
        check(
            names.contains(provider.rootCertificateKey.name), "the root CA key '<id>.root.cert.path' is declared",
            "\(provider.rootCertificateKey.name) is missing from \(names)")
        check(
            provider.urlKey.kind == .connectURL, "the URL key validates host names",
            "\(provider.urlKey.name) has kind \(provider.urlKey.kind)")
        let coreNames = Set(ConfigSchema(providerKeys: []).keys.map(\.name))
        for key in keys {
            check(key.name.hasPrefix(id + "."), "config keys are named '<id>.…'", "\(key.name)")
            check(!coreNames.contains(key.name), "config keys do not shadow Core's", "\(key.name)")
            check(key.storage != .derivedFromCertificate, "provider keys are stored in tedge.toml", "\(key.name) is derived")
            if case .toml(let table, _) = key.storage {
                check(table == id, "config keys live in the provider's [<id>] table", "\(key.name) is stored in [\(table)]")
            }
            check(key.doc.contains("Example"), "every key has a doc line with an example", "\(key.name): '\(key.doc)'")
            for (sample, shouldPass) in samples(for: key.kind) {
                let passed = (try? key.parse(sample)) != nil
                check(
                    passed == shouldPass, "config values are validated",
                    "\(key.name) \(shouldPass ? "refuses" : "accepts") '\(sample)'")
            }
        }

        // The bridge.
        let context = ConnectionContext.sample(for: provider)
        let config = context.config
        let bridge = provider.bridge(context)
        let text = bridge.render(rootCertificateIsDirectory: true)
        check(
            text == provider.bridge(context).render(rootCertificateIsDirectory: true), "the bridge renders the same every time",
            "two renderings differ")
        check(!bridge.topics.isEmpty, "the bridge carries topics", "no topic rules")
        check(
            bridge.connection.hasPrefix("edge_to_"), "the bridge connection is named 'edge_to_…'",
            "connection is '\(bridge.connection)'")
        check(
            bridge.address == context.cloud, "the bridge goes to the configured endpoint",
            "address is \(bridge.address), expected \(context.cloud)")
        check(
            bridge.certificatePath == context.certificatePath && bridge.keyPath == context.keyPath,
            "the bridge authenticates with the device certificate",
            "certfile \(bridge.certificatePath), keyfile \(bridge.keyPath)")
        check(
            bridge.remoteClientID == context.deviceID, "the remote client id is the device id",
            "remote_clientid is \(bridge.remoteClientID)")
        for line in text.split(separator: "\n") where !line.isEmpty && !line.hasPrefix("#") {
            check(line.split(separator: " ").count >= 2, "every bridge line is '<setting> <value>'", "'\(line)'")
        }
        for topic in bridge.topics {
            check(
                topic.localPrefix.hasPrefix(provider.localPrefix), "every bridge topic sits under the local prefix",
                "\(topic.line) has local prefix '\(topic.localPrefix)'")
            check((0...2).contains(topic.qos), "bridge QoS is 0, 1 or 2", topic.line)
            check(!topic.line.contains("  "), "bridge topic lines have no empty fields", topic.line)
        }

        // The connection check.
        let connectionCheck = provider.connectionCheck(context)
        check(connectionCheck.attempts >= 1, "the check makes at least one attempt", "attempts is \(connectionCheck.attempts)")
        check(
            connectionCheck.attemptTimeout > .zero, "the check waits a positive time",
            "attemptTimeout is \(connectionCheck.attemptTimeout)")
        check(
            !connectionCheck.troubleshooting.isEmpty, "the check says what to verify when nobody answers",
            "troubleshooting is empty")
        for filter in connectionCheck.subscriptions + [connectionCheck.request.topic] {
            check(filter.hasPrefix(provider.localPrefix), "the check talks over the provider's local topics", "\(filter)")
        }
        check(connectionCheck.request.qos != .atMostOnce, "the check's request is acknowledged (QoS 1 or 2)", "QoS 0")
        for answer in hostileMessages(prefix: provider.localPrefix) { _ = connectionCheck.judge(answer) }

        // The converter.
        if let mapper = provider.mapper(config) {
            check(!mapper.subscriptions.isEmpty, "the mapper subscribes to something", "no subscriptions")
            var converter = mapper.makeConverter(["c8y_Restart", "c8y_SoftwareUpdate"])
            for message in converter.startupMessages() {
                check(message.topic.hasPrefix(provider.localPrefix), "startup messages go to the cloud's topics", message.topic)
            }
            for input in validMeasurements() + hostileMessages(prefix: "tedge/measurements") {
                switch converter.convert(input) {
                case .success(let outputs):
                    check(!outputs.isEmpty, "a successful conversion produces messages", "no output for \(preview(input))")
                    for output in outputs {
                        check(
                            output.topic.hasPrefix(provider.localPrefix), "converted messages go to the cloud's topics",
                            "\(output.topic) for \(preview(input))")
                        check(
                            !output.topic.contains("+") && !output.topic.contains("#"), "converted topics are topic names",
                            output.topic)
                    }
                case .failure(let error):
                    check(!error.description.isEmpty, "conversion errors say what is wrong", "empty error for \(preview(input))")
                }
            }
            for input in validMeasurements() {
                if case .failure(let error) = converter.convert(input) {
                    found.append(
                        ContractViolation(
                            provider: id, rule: "valid Thin Edge JSON is converted", detail: "\(preview(input)): \(error)"))
                }
            }
        }

        // What the cloud asks of the device.
        if let operations = provider.mapper(config)?.operations {
            check(
                operations.handlerDirectory == "operations/\(id)", "handlers live in operations/<id>/",
                "handlerDirectory is \(operations.handlerDirectory)")
            check(!operations.subscriptions.isEmpty, "the operations subscribe to the cloud's requests", "no subscriptions")
            for filter in operations.subscriptions {
                check(
                    filter.hasPrefix(provider.localPrefix) && MQTTTopicFilter(filter) != nil,
                    "the operations subscribe to valid filters under the local prefix", filter)
            }
            check(
                operations.desiredTopicPrefix.hasPrefix(provider.localPrefix),
                "desired properties are kept under the local prefix", operations.desiredTopicPrefix)
            let call = CloudMethodCall(name: "reboot", requestID: "1", payload: [])
            let answers = [
                operations.methodResponse(to: call, status: 200, payload: Array("{}".utf8)),
                operations.twinRequest(requestID: "1"), operations.reportedPatch(.object([("a", .integer(1))]), requestID: "1"),
            ]
            for answer in answers.compactMap({ $0 }) {
                check(
                    answer.topic.hasPrefix(provider.localPrefix) && MQTTTopicFilter.isValidTopicName(answer.topic),
                    "the operations answer on topic names under the local prefix", answer.topic)
            }
            for filter in operations.subscriptions {
                // Whatever arrives on its topics is read without a crash.
                let base = String(filter.prefix { $0 != "#" && $0 != "+" })
                for message in hostileMessages(prefix: base.hasSuffix("/") ? String(base.dropLast()) : base) {
                    _ = operations.interpret(message)
                }
            }
        }
        return found
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
        case .timeFormat: return [("unix", true), ("rfc-3339", true), ("rfc3339", true), ("iso8601", false)]
        case .entityTopicID: return [("device/child_001//", true), ("device/child", true), ("a/b/c/d/e", false), ("a/+", false)]
        case .duration: return [("5s", true), ("10m", true), ("5 parsecs", false)]
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
