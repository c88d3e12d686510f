/// The Nimbus cloud's MQTT topic layout (a made-up cloud): telemetry goes to
/// `nimbus/v1/<device>/telemetry`, commands come down on `nimbus/v1/<device>/commands/#`.
public enum NimbusTopics {
    public static func telemetry(device: String) -> String { "nimbus/v1/\(device)/telemetry" }
    public static func commands(device: String) -> String { "nimbus/v1/\(device)/commands/" }
    public static let ping = "nimbus/v1/ping"
    public static let pong = "nimbus/v1/pong"
}
