/// The built-in bridge's keys (`mqtt.bridge.*`, thin-edge's names), stored under `[mqtt.bridge]`.
public enum BridgeConfigKeys {
    public static let builtIn = ConfigKey(
        "mqtt.bridge.built_in", table: "mqtt.bridge", field: "built_in", kind: .flag, default: .value("false"),
        doc:
            "Whether tedge-mapper connects to the cloud itself (built-in bridge, with a durable store) instead of a mosquitto bridge. After changing this value, run `tedge disconnect <cloud>` and `tedge connect <cloud>` to apply it. Example: true"
    )
    public static let storePath = ConfigKey(
        "mqtt.bridge.store.path", table: "mqtt.bridge.store", field: "path", kind: .path, default: .value("/var/lib/tedge/bridge"),
        doc:
            "Directory of the built-in bridge's durable stores of cloud-bound messages, one file per cloud (<cloud>.db). Example: /var/lib/tedge/bridge"
    )
    public static let storeMaxSize = ConfigKey(
        "mqtt.bridge.store.max_size", table: "mqtt.bridge.store", field: "max_size", kind: .positiveInteger,
        default: .value("67108864"),
        doc:
            "Bytes of cloud-bound messages (topic and payload) the built-in bridge keeps while the cloud is away; beyond that the oldest are dropped and counted. Example: 67108864"
    )
    public static let storeMaxAge = ConfigKey(
        "mqtt.bridge.store.max_age", table: "mqtt.bridge.store", field: "max_age", kind: .duration, default: .value("7d"),
        doc: "How long the built-in bridge keeps a cloud-bound message the cloud has not acknowledged. Example: 7d")
    public static let reconnectInitial = ConfigKey(
        "mqtt.bridge.reconnect_policy.initial_interval", table: "mqtt.bridge.reconnect_policy", field: "initial_interval",
        kind: .duration, default: .value("5s"),
        doc: "The built-in bridge's first wait before reconnecting to the cloud. Example: 5s")
    public static let reconnectMaximum = ConfigKey(
        "mqtt.bridge.reconnect_policy.maximum_interval", table: "mqtt.bridge.reconnect_policy", field: "maximum_interval",
        kind: .duration, default: .value("10m"),
        doc: "The longest the built-in bridge waits between attempts to reconnect to the cloud. Example: 10m")
    public static let reconnectResetWindow = ConfigKey(
        "mqtt.bridge.reconnect_policy.reset_window", table: "mqtt.bridge.reconnect_policy", field: "reset_window",
        kind: .duration, default: .value("5m"),
        doc: "How long a cloud connection must last for the reconnect wait to start again from the initial interval. Example: 5m")

    public static let all = [
        builtIn, storePath, storeMaxSize, storeMaxAge, reconnectInitial, reconnectMaximum, reconnectResetWindow,
    ]
}
