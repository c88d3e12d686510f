import TedgeProviderAPI

/// Thin Edge JSON on `tedge/measurements` to Azure IoT Hub device-to-cloud messages.
public struct AzureConverter: MessageConverter {
    /// Azure's 256 KiB message limit, less 1 KiB of headroom (thin-edge's figure).
    public static let sizeThreshold = 255 * 1024
    public static let outputTopic = "az/messages/events/"

    public let addTimestamp: Bool
    public let sizeThreshold: Int
    public let clock: @Sendable () -> Timestamp

    public init(addTimestamp: Bool, sizeThreshold: Int = AzureConverter.sizeThreshold,
                clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) {
        self.addTimestamp = addTimestamp
        self.sizeThreshold = sizeThreshold
        self.clock = clock
    }

    public mutating func convert(_ message: MQTTMessage) -> Result<[MQTTMessage], ConversionError> {
        if case .failure(let error) = MessageSizeLimit(bytes: sizeThreshold).check(message) { return .failure(error) }
        switch ThinEdgeJSON.parse(message.payload) {
        case .failure(let error):
            return .failure(ConversionError(error.description))
        case .success(let measurement):
            let text = ThinEdgeJSONSerializer.serialize(measurement, addTime: addTimestamp ? clock() : nil)
            return .success([MQTTMessage(topic: Self.outputTopic, text: text, qos: .atLeastOnce)])
        }
    }
}
