/// A provider's cloud operations under a profile's prefix (see `TopicRelocation`).
struct RelocatedOperations: CloudOperations {
    let base: any CloudOperations
    let relocation: TopicRelocation

    var handlerDirectory: String { base.handlerDirectory }
    var subscriptions: [String] { base.subscriptions.map(relocation.outward) }
    var linkServices: [String] { base.linkServices.map(relocation.service) }
    var desiredTopicPrefix: String { relocation.outward(base.desiredTopicPrefix) }

    func interpret(_ message: MQTTMessage) -> CloudOperationInput? { base.interpret(relocation.inward(message)) }

    func methodResponse(to call: CloudMethodCall, status: Int, payload: [UInt8]) -> MQTTMessage? {
        base.methodResponse(to: call, status: status, payload: payload).map(relocation.outward)
    }

    func twinRequest(requestID: String) -> MQTTMessage? { base.twinRequest(requestID: requestID).map(relocation.outward) }

    func reportedPatch(_ patch: JSONValue, requestID: String) -> MQTTMessage? {
        base.reportedPatch(patch, requestID: requestID).map(relocation.outward)
    }
}
