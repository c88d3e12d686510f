/// Why a flow file could not be loaded (the flow is then `broken`), in thin-edge's words.
public struct FlowLoadError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }

    static func incorrectSetting(_ reason: String) -> FlowLoadError { FlowLoadError("Not a valid step configuration: \(reason)") }
    static func incorrectTopicFilter(_ filter: String) -> FlowLoadError {
        FlowLoadError("Not a valid MQTT topic filter: \(filter)")
    }
    static func incorrectTopic(_ topic: String) -> FlowLoadError { FlowLoadError("Not a valid MQTT topic: \(topic)") }
    static func incorrectInterval(_ text: String) -> FlowLoadError { FlowLoadError("Not a valid interval duration: \(text)") }
    static func unknownBuiltin(_ name: String) -> FlowLoadError { FlowLoadError("Builtin transformer not found: \(name)") }
}
