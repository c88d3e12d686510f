/// The builtin steps by name: thin-edge's generic ones and the az/aws mappers' own, available to every flow.
enum BuiltinSteps {
    static let names = [
        "add-timestamp", "ignore-topics", "limit-payload-size", "set-aws-topic", "set-topic", "skip-mosquitto-health-status",
        "update-context",
    ]

    static func make(_ name: String, config: FlowStepConfig) throws(FlowLoadError) -> any FlowStep {
        switch name {
        case "add-timestamp": return try AddTimestampStep(config: config)
        case "ignore-topics": return try IgnoreTopicsStep(config: config)
        case "limit-payload-size": return LimitPayloadSizeStep(config: config)
        case "set-aws-topic": return SetAwsTopicStep(config: config)
        case "set-topic": return try SetTopicStep(config: config)
        case "skip-mosquitto-health-status": return SkipMosquittoHealthStatusStep()
        case "update-context": return try UpdateContextStep(config: config)
        default: throw .unknownBuiltin(name)
        }
    }
}
