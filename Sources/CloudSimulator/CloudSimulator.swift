import Glibc
import TedgeMosquitto
import TedgeOpenSSL
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem

/// A local stand-in for the cloud: a real mosquitto as the cloud's broker (the backend, plain MQTT on
/// loopback), a TLS front end that authenticates devices and keeps Azure devices apart, and the
/// clouds' behaviour: Azure IoT Hub's twins (stored in `TwinStore`), AWS IoT Core's named shadows (`ShadowStore`),
/// Cumulocity's device creation (SmartREST 100, answered `41,…` once the device
/// exists), and a log of the telemetry that arrives. AWS IoT Core's test-connection round trip
/// needs no behaviour: the broker echoes it back to the bridge. Any other device, authenticated by its
/// certificate, may use any topic (a generic MQTT cloud), and `echoRules` answer its requests (a
/// user-defined cloud's connection check).
public final class CloudSimulator: @unchecked Sendable {
    public let directory: SimulatorDirectory
    public private(set) var tlsPort = 0
    public private(set) var backendPort = 0
    public var httpsPort: Int { rest?.port ?? 0 }
    private var rest: CumulocityRESTEndpoint?
    /// Basic-auth credentials the Cumulocity REST endpoint accepts.
    public static let restUser = "admin"
    public static let restPassword = "tedge-sim"
    private var broker: ChildProcess?
    private var frontEnd: TLSFrontEnd?
    private var behaviour: Task<Void, Never>?
    private var cloudClient: MQTTClient?
    private let log: Console
    private let echoRules: [EchoRule]

    public init(directory: SimulatorDirectory, log: Console, echoRules: [EchoRule] = []) {
        self.directory = directory
        self.log = log
        self.echoRules = echoRules
    }

    /// Starts everything; `tlsPort` 0 picks a free port. `maximumTLSVersion` lets tests refuse modern TLS.
    public func start(
        tlsPort requestedTLSPort: Int, backendPort requestedBackendPort: Int,
        maximumTLSVersion: TLSVersion? = nil
    ) async throws {
        try directory.prepare()
        backendPort = requestedBackendPort == 0 ? PortProbe.freePort() : requestedBackendPort
        try startBroker()
        guard await PortProbe.waitUntilListening(port: backendPort, timeout: .seconds(10)) else {
            throw TedgeError("The simulator's broker did not start; see \(directory.brokerLogPath)")
        }
        let (certificate, key) = try directory.serverIdentity()
        let context = try TLSServerContext(certificate: certificate, key: key, maximumVersion: maximumTLSVersion)
        let frontEnd = try TLSFrontEnd(
            port: requestedTLSPort, context: context,
            authenticator: DeviceAuthenticator(directory: directory),
            backendPort: backendPort, log: log)
        frontEnd.start()
        self.frontEnd = frontEnd
        let rest = try CumulocityRESTEndpoint(
            port: 0, certificate: certificate, key: key,
            user: Self.restUser, password: Self.restPassword, log: log)
        rest.start()
        self.rest = rest
        tlsPort = frontEnd.port
        try await startBehaviour()
        try AtomicFile.write("\(tlsPort) \(backendPort)\n", to: directory.endpointPath, mode: 0o644, placement: .replace)
    }

    public func stop() {
        behaviour?.cancel()
        cloudClient?.disconnect()
        broker?.stop()
        try? FileSystem.remove(directory.endpointPath)
    }

    private func startBroker() throws {
        var lines = [
            "listener \(backendPort) 127.0.0.1",
            "allow_anonymous true",
            "persistence true",
            "persistence_location \(directory.path)/",
            "log_dest file \(directory.brokerLogPath)",
            "max_queued_messages 100000",
        ]
        if getuid() == 0 { lines.append("user root") }
        try AtomicFile.write(
            lines.joined(separator: "\n") + "\n", to: directory.brokerConfigPath, mode: 0o644, placement: .replace)
        broker = try ChildProcess.spawn(
            ["mosquitto", "-c", directory.brokerConfigPath],
            standardOutput: directory.brokerLogPath, standardError: directory.brokerLogPath)
    }

    /// An unsigned JWT whose issuer is the tenant host, as Cumulocity returns on `s/dat`.
    static func token(issuer: String) -> String {
        let header = Base64.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
        let payload = Base64.encode(Array("{\"iss\":\"\(issuer)\",\"sub\":\"device\"}".utf8))
        return "\(header).\(payload).c2ltdWxhdG9y"
    }

    /// The cloud side: answers twin requests and reports device-to-cloud messages.
    private func startBehaviour() async throws {
        let client = try MQTTClient(.init(host: "127.0.0.1", port: backendPort, clientID: "tedge-cloud-sim", cleanSession: true))
        // Each Azure device's `$iothub/…` is under `devices/<id>/` on the backend (see AzureTopicPolicy).
        try client.subscribe("devices/+/$iothub/twin/GET/#", qos: .atLeastOnce)
        try client.subscribe("devices/+/$iothub/twin/PATCH/properties/reported/#", qos: .atLeastOnce)
        try client.subscribe("devices/+/messages/events/#", qos: .atLeastOnce)
        // AWS IoT Core's named shadows: reads and updates (a device's `$aws/…` topics are not rewritten).
        try client.subscribe("$aws/things/+/shadow/name/+/get", qos: .atLeastOnce)
        try client.subscribe("$aws/things/+/shadow/name/+/update", qos: .atLeastOnce)
        for filter in ["s/us", "s/us/#", "s/uat", "measurement/measurements/create", "event/events/create", "thinedge/+/td/#"] {
            try client.subscribe(filter, qos: .atLeastOnce)
        }
        for rule in echoRules { try client.subscribe(rule.filter.text, qos: .atLeastOnce) }
        try client.connect()
        try await client.waitUntilSubscribed(timeout: .seconds(10))
        cloudClient = client
        let log = self.log
        let twins = TwinStore(simulator: directory)
        let echoRules = self.echoRules
        let shadows = ShadowStore(simulator: directory)
        behaviour = Task {
            var cumulocityDevices: Set<String> = []
            for await message in client.messages {
                if let answer = echoRules.lazy.compactMap({ $0.responseTopic(for: message.topic) }).first {
                    _ = try? client.publish(MQTTMessage(topic: answer, payload: message.payload, qos: .atLeastOnce))
                    log.line("echo: \(message.topic) answered on \(answer)")
                } else if message.topic == "s/uat" {
                    _ = try? client.publish(
                        MQTTMessage(topic: "s/dat", text: "71," + Self.token(issuer: "localhost"), qos: .atLeastOnce))
                    log.line("c8y: issued a token")
                } else if message.topic.hasPrefix("s/us"), let text = message.text, text.hasPrefix("100,") {
                    let id = text.split(separator: ",").dropFirst().first.map(String.init) ?? ""
                    if cumulocityDevices.insert(id).inserted {
                        log.line("c8y: created device \(id)")
                    } else {
                        _ = try? client.publish(
                            MQTTMessage(topic: "s/e", text: "41,100,Device already existing", qos: .atLeastOnce))
                        log.line("c8y: device \(id) already exists")
                    }
                } else if let request = ShadowRequest(topic: message.topic) {
                    for answer in request.answers(payload: message.payload, shadows: shadows, timestamp: UnixTime.now().seconds) {
                        _ = try? client.publish(MQTTMessage(topic: answer.topic, text: answer.payload, qos: .atLeastOnce))
                    }
                    log.line("shadow: \(request.thing)/\(request.name): answered \(request.operation.rawValue)")
                } else if let request = TwinRequest(topic: message.topic) {
                    let answer = request.answer(payload: message.payload, twins: twins)
                    _ = try? client.publish(MQTTMessage(topic: answer.topic, text: answer.payload, qos: .atLeastOnce))
                    log.line("twin: \(request.deviceID): answered \(request.operation.rawValue) with \(answer.topic)")
                } else {
                    log.line("[cloud] \(message.topic) \(message.text ?? "<\(message.payload.count) bytes>")")
                }
            }
        }
    }
}
