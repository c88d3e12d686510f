import ArgumentParser
import TedgeProviderAPI

/// `-q 0|1|2`, checked in `run()` so a bad value gets thin-edge's error format and message.
struct QoSOption: ParsableArguments {
    @Option(name: [.short, .long], help: "QoS level (0, 1, 2)")
    var qos: Int = 0

    func resolve() throws(TedgeError) -> MQTTQoS {
        guard let qos = MQTTQoS(rawValue: Int32(clamping: qos)) else { throw TedgeError("The input QoS should be 0, 1, or 2") }
        return qos
    }
}
