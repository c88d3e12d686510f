import TedgeTopics

/// `skip-mosquitto-health-status`: drops the `0`/`1` health messages mosquitto's bridges publish on a
/// `te/+/+/+/+/status/health` topic (thin-edge issue #2236); JSON health passes.
struct SkipMosquittoHealthStatusStep: FlowStep {
    let source = "skip-mosquitto-health-status"

    func onMessage(_ message: FlowMessage, at time: UnixTime, context: FlowContext) throws(FlowError) -> [FlowMessage] {
        // The payload first: it rules out nearly every message without splitting the topic.
        guard message.payload == [0x30] || message.payload == [0x31] else { return [message] }
        let levels = message.topic.split(separator: "/", omittingEmptySubsequences: false)
        return levels.count == 7 && levels[5] == "status" && levels[6] == "health" ? [] : [message]
    }
}
