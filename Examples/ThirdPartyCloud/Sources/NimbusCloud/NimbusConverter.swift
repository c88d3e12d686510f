import TedgeProviderAPI

/// Forwards valid Thin Edge JSON measurements to `nimbus/telemetry` unchanged.
public struct NimbusConverter: MessageConverter {
    public init() {}

    public mutating func convert(_ message: MQTTMessage) -> Result<[MQTTMessage], ConversionError> {
        switch ThinEdgeJSON.parse(message.payload) {
        case .success: return .success([MQTTMessage(topic: "nimbus/telemetry", payload: message.payload, qos: .atLeastOnce)])
        case .failure(let error): return .failure(ConversionError(error.description))
        }
    }
}
