/// What a message from the cloud is, as the provider reads it (`CloudOperations.interpret`).
public enum CloudOperationInput: Sendable, Equatable {
    /// A direct method (Azure) or command (AWS): run its handler, answer.
    case methodCall(CloudMethodCall)
    /// The answer to a twin request or a reported patch of ours.
    case twinAnswer(TwinAnswer)
    /// Desired properties that changed (`null`: removed), with the twin's new version when the cloud gives it.
    case desiredPatch(JSONValue, version: Int64?)
    /// The whole desired document, as the cloud pushes it (AWS's shadow documents).
    case desiredDocument(JSONValue, version: Int64?)
    /// A cloud-to-device message and its decoded properties.
    case cloudMessage(CloudMessage)
    /// A request that cannot be answered (no request id): logged, nothing run.
    case unanswerable(String)
}
