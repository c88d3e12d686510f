import TedgeProviderAPI

/// Thin Edge JSON to AWS: `tedge/measurements[/<child>]` to `aws/td[/<child>]/measurements`.
public struct AwsConverter: MessageConverter {
    /// AWS IoT Core's 128 KiB message limit.
    public static let sizeThreshold = 128 * 1024

    public let addTimestamp: Bool
    public let clock: @Sendable () -> Timestamp

    public init(addTimestamp: Bool, clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) {
        self.addTimestamp = addTimestamp
        self.clock = clock
    }

    public mutating func convert(_ message: MQTTMessage) -> Result<[MQTTMessage], ConversionError> {
        guard message.payload.count <= Self.sizeThreshold else {
            return .failure(ConversionError("The input size \(message.payload.count) is too big. The threshold is \(Self.sizeThreshold)."))
        }
        var topic = "aws/td/measurements"
        let prefix = "tedge/measurements/"
        if message.topic.hasPrefix(prefix) {
            let child = message.topic.dropFirst(prefix.count)
            guard !child.isEmpty, !child.contains(where: { $0 == "/" || $0 == "+" || $0 == "#" }) else { return .failure(ConversionError("The given Child ID '\(child)' is invalid.")) }
            topic = "aws/td/\(child)/measurements"
        }
        switch ThinEdgeJSON.parse(message.payload) {
        case .failure(let error): return .failure(ConversionError(error.description))
        case .success(let measurement):
            let text = ThinEdgeJSONSerializer.serialize(measurement, addTime: addTimestamp ? clock() : nil)
            return .success([MQTTMessage(topic: topic, text: text, qos: .atLeastOnce)])
        }
    }
}
