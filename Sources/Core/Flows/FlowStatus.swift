import TedgeThinEdgeJSON

/// What happened to a flow file, for `te/<mapper service>/status/flows`:
/// `{"flow":"<path>","status":"enabled|updated|removed|broken","time":<unix seconds>}`.
public struct FlowStatus: Equatable, Sendable {
    public enum State: String, Sendable {
        /// Loaded when the engine started.
        case enabled
        /// Loaded again after a change.
        case updated
        /// The file is gone.
        case removed
        /// The file cannot be loaded; the flow does not run.
        case broken
    }

    public let path: String
    public let state: State
    public let time: Int64

    public init(path: String, state: State, time: Int64) {
        self.path = path
        self.state = state
        self.time = time
    }

    public var payload: String { "{\"flow\":\(JSONWriter.quoted(path)),\"status\":\"\(state.rawValue)\",\"time\":\(time)}" }

    /// The status message of the mapper whose service topic is `service`
    /// (`te/device/main/service/tedge-mapper-az`): on `<service>/status/flows`, QoS 1.
    public func message(service: String) -> FlowMessage { FlowMessage(topic: service + "/status/flows", text: payload) }
}
