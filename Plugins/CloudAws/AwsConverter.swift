import TedgeProviderAPI

/// Thin Edge JSON to AWS: `tedge/measurements[/<child>]` to `aws/td[/<child>]/measurements`.
public struct AwsConverter: MessageConverter {
    /// AWS IoT Core's 128 KiB message limit.
    public static let sizeThreshold = 128 * 1024
    public var inputLimit: MessageSizeLimit? { MessageSizeLimit(bytes: Self.sizeThreshold) }

    public let addTimestamp: Bool
    public let clock: @Sendable () -> Timestamp

    public init(addTimestamp: Bool, clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) {
        self.addTimestamp = addTimestamp
        self.clock = clock
    }

    public mutating func convert(_ message: MQTTMessage) -> Result<[MQTTMessage], ConversionError> {
        if case .failure(let error) = inputLimit?.check(message) { return .failure(error) }
        let topic: String
        switch MeasurementTopic.childID(of: message.topic) {
        case .failure(let error): return .failure(error)
        case .success(let child?): topic = "aws/td/\(child)/measurements"
        case .success(nil): topic = "aws/td/measurements"
        }
        switch ThinEdgeJSON.parse(message.payload) {
        case .failure(let error): return .failure(ConversionError(error.description))
        case .success(let measurement):
            let text = ThinEdgeJSONSerializer.serialize(measurement, addTime: addTimestamp ? clock() : nil)
            return .success([MQTTMessage(topic: topic, text: text, qos: .atLeastOnce)])
        }
    }
}
