import TedgeProviderAPI

/// Thin Edge JSON measurements, alarms and events to Cumulocity's JSON and SmartREST: the legacy `tedge/…`
/// topics here, the `te/` topics through `CumulocityTeMapping`.
///
/// Keeps state: which legacy child devices it has registered (SmartREST 101) in this run, and the `te/` entities.
public struct CumulocityConverter: MessageConverter {
    /// Cumulocity's MQTT message limit.
    public static let sizeThreshold = 16 * 1024

    public let supportedOperations: [String]
    public let sizeThreshold: Int
    public var inputLimit: MessageSizeLimit? { MessageSizeLimit(bytes: sizeThreshold) }
    public let clock: @Sendable () -> Timestamp
    public private(set) var registeredChildren: Set<String> = []
    /// Software-update requests from the cloud get ids `<start time>-<n>`, unique across restarts.
    private var requestCount = 0
    private let requestIDPrefix: String
    /// The `te/` topics' mapping; without one, they are not mapped.
    public private(set) var te: CumulocityTeMapping?

    public init(
        supportedOperations: [String], sizeThreshold: Int = CumulocityConverter.sizeThreshold,
        clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }, te: CumulocityTeMapping? = nil
    ) {
        self.supportedOperations = supportedOperations
        self.sizeThreshold = sizeThreshold
        self.clock = clock
        self.te = te
        requestIDPrefix = String(clock().description.filter(\.isNumber).prefix(14))
    }

    /// SmartREST 114: the operations this device supports (file names in `operations/c8y/`).
    public mutating func startupMessages() -> [MQTTMessage] {
        guard !supportedOperations.isEmpty else { return [] }
        return [MQTTMessage(topic: "c8y/s/us", text: SmartREST.supportedOperations(supportedOperations), qos: .atLeastOnce)]
    }

    public mutating func convert(_ message: MQTTMessage) -> Result<[MQTTMessage], ConversionError> {
        if case .failure(let error) = inputLimit?.check(message) { return .failure(error) }
        if message.topic == "c8y/s/ds" { return operations(message) }
        if message.topic.hasPrefix("tedge/alarms/") { return CumulocityAlarm.convert(message, now: clock) }
        if message.topic.hasPrefix("tedge/events/") { return CumulocityEvent.convert(message, now: clock) }
        if te?.handles(message.topic) == true, !message.topic.hasPrefix("tedge/"), let outputs = te?.convert(message) {
            return .success(outputs)
        }
        let child: String?
        switch MeasurementTopic.childID(of: message.topic) {
        case .success(let id): child = id
        case .failure(let error): return .failure(error)
        }
        let measurement: ThinEdgeMeasurement
        switch ThinEdgeJSON.parse(message.payload) {
        case .success(let parsed): measurement = parsed
        case .failure(let error): return .failure(ConversionError(error.description))
        }
        var output: [MQTTMessage] = []
        if let child, !registeredChildren.contains(child) {
            registeredChildren.insert(child)
            output.append(MQTTMessage(topic: "c8y/s/us", text: "101,\(child),\(child),thin-edge.io-child", qos: .atLeastOnce))
        }
        output.append(
            MQTTMessage(
                topic: "c8y/measurement/measurements/create",
                text: Self.measurementJSON(measurement, child: child, now: clock), qos: .atLeastOnce))
        return .success(output)
    }

    /// Operations from the cloud (`s/ds`, one SmartREST line each): 528 becomes a local software-update
    /// request; other templates are not the mapper's to handle.
    private mutating func operations(_ message: MQTTMessage) -> Result<[MQTTMessage], ConversionError> {
        guard let text = message.text else { return .failure(ConversionError("The operation on c8y/s/ds is not UTF-8")) }
        var output: [MQTTMessage] = []
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) where line.hasPrefix("528,") {
            requestCount += 1
            switch SoftwareUpdateRequest.parse(String(line), requestID: "\(requestIDPrefix)-\(requestCount)") {
            case .success(let json):
                output.append(MQTTMessage(topic: SoftwareUpdateRequest.localTopic, text: json, qos: .atLeastOnce))
            case .failure(let error): return .failure(error)
            }
        }
        return .success(output)
    }

    /// `{"type":"ThinEdgeMeasurement",["externalSource":…,]"<name>":{"<name>":{"value":v}},…,"time":…}`.
    public static func measurementJSON(_ measurement: ThinEdgeMeasurement, child: String?, now: () -> Timestamp) -> String {
        var writer = JSONWriter()
        writer.raw("{\"type\":\"ThinEdgeMeasurement\"")
        if let child {
            writer.raw(",\"externalSource\":{\"externalId\":")
            writer.string(child)
            writer.raw(",\"type\":\"c8y_Serial\"}")
        }
        measurement.forEachField(appendingTime: measurement.time == nil ? now() : nil) { field in
            writer.raw(",")
            switch field {
            case .time(let stamp):
                writer.raw("\"time\":")
                writer.string(stamp.description)
            case .entry(.single(let name, let value)):
                writer.string(name)
                writer.raw(":{")
                writer.string(name)
                writer.raw(":{\"value\":")
                writer.number(value)
                writer.raw("}}")
            case .entry(.group(let name, let values)):
                writer.string(name)
                writer.raw(":{")
                for (position, pair) in values.enumerated() {
                    if position > 0 { writer.raw(",") }
                    writer.string(pair.name)
                    writer.raw(":{\"value\":")
                    writer.number(pair.value)
                    writer.raw("}")
                }
                writer.raw("}")
            }
        }
        writer.raw("}")
        return writer.text
    }
}
