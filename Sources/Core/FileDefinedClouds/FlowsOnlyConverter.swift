import TedgeProviderAPI

/// The converter of a cloud that maps with flows only: what no flow takes is not mapped.
struct FlowsOnlyConverter: MessageConverter {
    let inputLimit: MessageSizeLimit?

    func convert(_ message: MQTTMessage) -> Result<[MQTTMessage], ConversionError> { .success([]) }
}
