/// How a cloud asks the device to act and how the device answers, described as values: the local topics its
/// requests and answers arrive on (both bridge modes deliver them under the cloud's prefix), what a message on them
/// is, and the messages that answer. Core acts: it runs the handlers in `<config-dir>/<handlerDirectory>/`, keeps
/// the twin in step both ways and publishes the answers (`TedgeOperations`).
public protocol CloudOperations: Sendable {
    /// Where the handlers are, relative to the config directory: `operations/az`.
    var handlerDirectory: String { get }
    /// Local filters of the cloud's requests and answers: `az/methods/POST/#`, `az/twin/res/#`, …
    var subscriptions: [String] { get }
    /// Services of this device whose health `up` means the link to the cloud is up (the mosquitto bridge's
    /// notifications, the built-in bridge's health): the twin is read again whenever one comes up.
    var linkServices: [String] { get }
    /// Where the device keeps each desired property locally, retained, one topic per top-level key: this prefix and
    /// the key (`az/twin/desired/<key>`). Read back at start to know what was last published.
    var desiredTopicPrefix: String { get }

    /// What a message on one of `subscriptions` is; nil when it is none of the cloud's requests or answers.
    func interpret(_ message: MQTTMessage) -> CloudOperationInput?
    /// The answer to a method call; nil when the cloud has no way to answer one.
    func methodResponse(to call: CloudMethodCall, status: Int, payload: [UInt8]) -> MQTTMessage?
    /// A request for the whole twin, answered by a `.twinAnswer` with the same request id; nil when there is none.
    func twinRequest(requestID: String) -> MQTTMessage?
    /// A reported-properties patch (top-level keys; `null` removes one), answered by a `.twinAnswer`.
    func reportedPatch(_ patch: JSONValue, requestID: String) -> MQTTMessage?
}
