import TedgeProviderAPI

/// Thin Edge JSON on `tedge/measurements` to Azure IoT Hub device-to-cloud messages.
public struct AzureConverter: MessageConverter {
    /// Azure's 256 KiB message limit, less 1 KiB of headroom (thin-edge's figure).
    public static let sizeThreshold = 255 * 1024
    public static let outputTopic = "az/messages/events/"
    /// IoT Hub routes on the message body only when it is told the body is UTF-8 JSON: content type and
    /// encoding as system properties in the topic's property bag (URL-encoded, `$.ct` and `$.ce`).
    public static let propertiesTopic = "az/messages/events/$.ct=application%2Fjson&$.ce=utf-8"

    public let addTimestamp: Bool
    /// Publish on `propertiesTopic` rather than the bare `outputTopic` (`az.mapper.message_properties`).
    public let messageProperties: Bool
    public let sizeThreshold: Int
    public var inputLimit: MessageSizeLimit? { MessageSizeLimit(bytes: sizeThreshold) }
    public let clock: @Sendable () -> Timestamp

    public init(
        addTimestamp: Bool, messageProperties: Bool = true, sizeThreshold: Int = AzureConverter.sizeThreshold,
        clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }
    ) {
        self.addTimestamp = addTimestamp
        self.messageProperties = messageProperties
        self.sizeThreshold = sizeThreshold
        self.clock = clock
    }

    public mutating func convert(_ message: MQTTMessage) -> Result<[MQTTMessage], ConversionError> {
        if case .failure(let error) = inputLimit?.check(message) { return .failure(error) }
        switch ThinEdgeJSON.parse(message.payload) {
        case .failure(let error):
            return .failure(ConversionError(error.description))
        case .success(let measurement):
            let text = ThinEdgeJSONSerializer.serialize(measurement, addTime: addTimestamp ? clock() : nil)
            let topic = messageProperties ? Self.propertiesTopic : Self.outputTopic
            return .success([MQTTMessage(topic: topic, text: text, qos: .atLeastOnce)])
        }
    }
}
