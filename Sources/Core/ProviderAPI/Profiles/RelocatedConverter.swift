import TedgeThinEdgeJSON

/// A provider's converter under a profile's prefix: it reads its inputs under its own prefix and its outputs move to
/// the profile's.
struct RelocatedConverter: MessageConverter {
    var base: any MessageConverter
    let relocation: TopicRelocation

    mutating func startupMessages() -> [MQTTMessage] { base.startupMessages().map(relocation.outward) }

    mutating func convert(_ message: MQTTMessage) -> Result<[MQTTMessage], ConversionError> {
        base.convert(relocation.inward(message)).map { $0.map(relocation.outward) }
    }

    var inputLimit: MessageSizeLimit? { base.inputLimit }

    func reportOversized(topic: String, payloadBytes: Int) -> [MQTTMessage]? {
        base.reportOversized(topic: relocation.inward(topic), payloadBytes: payloadBytes)?.map(relocation.outward)
    }

    mutating func beforeFlows(_ message: MQTTMessage) -> FlowAdmission {
        var admission = base.beforeFlows(relocation.inward(message))
        admission.outputs = admission.outputs.map(relocation.outward)
        return admission
    }

    func afterFlows(_ message: MQTTMessage) -> MQTTMessage { relocation.outward(base.afterFlows(relocation.inward(message))) }
}
