import TedgeTopics

/// The keys Core owns; providers contribute the cloud keys (`az.*`, `c8y.*`, ...) that go between them.
public enum CoreConfigKeys {
    public static let deviceID = ConfigKey(
        derived: "device.id",
        doc:
            "Identifier of the device within the fleet. It must be globally unique and is derived from the device certificate. Example: Raspberrypi-4d18303a-6d3a-11eb-b1a6-175f6bb72665NOTE: This setting is derived from the device certificate and therefore is read only."
    )
    public static let keyPath = ConfigKey(
        "device.key.path", kind: .path,
        default: .inConfigDirectory("device-certs/tedge-private-key.pem"),
        doc: "Path to the private key file. Example: /home/user/.tedge/tedge-private-key.pem")
    public static let certPath = ConfigKey(
        "device.cert.path", kind: .path,
        default: .inConfigDirectory("device-certs/tedge-certificate.pem"),
        doc: "Path to the certificate file. Example: /home/user/.tedge/tedge-certificate.crt")
    public static let csrPath = ConfigKey(
        "device.csr.path", kind: .path,
        default: .inConfigDirectory("device-certs/tedge.csr"),
        doc:
            "Path where `tedge cert create-csr` writes the certificate signing request. Example: /etc/tedge/device-certs/tedge.csr"
    )
    public static let deviceType = ConfigKey(
        "device.type", kind: .string,
        default: .value("thin-edge.io"), doc: "The default device type. Example: thin-edge.io")

    public static let mqttPort = ConfigKey(
        "mqtt.port", kind: .port, default: .value("1883"),
        doc: "Mqtt broker port, which is used by the local mqtt clients to publish or subscribe. Example: 1883")
    public static let mqttBindAddress = ConfigKey(
        "mqtt.bind_address", kind: .ipAddress,
        default: .value("127.0.0.1"),
        doc: "IP address the local mqtt broker listens on for the local clients. Example: 127.0.0.1")
    public static let externalPort = ConfigKey(
        "mqtt.external.port", kind: .port,
        doc: "Mqtt broker port, which is used by the external mqtt clients to publish or subscribe. Example: 8883")
    public static let externalBindAddress = ConfigKey(
        "mqtt.external.bind_address", kind: .ipAddress,
        doc: "IP address / hostname, which the mqtt broker limits incoming connections on. Example: 0.0.0.0")
    public static let externalBindInterface = ConfigKey(
        "mqtt.external.bind_interface", kind: .string,
        doc: "Name of network interface, which the mqtt broker limits incoming connections on. Example: wlan0")
    public static let externalCAPath = ConfigKey(
        "mqtt.external.capath", kind: .path,
        doc:
            "Path to a file containing the PEM encoded CA certificates that are trusted when checking incoming client certificates. Example: /etc/ssl/certsNote: If the capath is not set, then no certificates are required for the external connections."
    )
    public static let externalCertFile = ConfigKey(
        "mqtt.external.certfile", kind: .path,
        doc:
            "Path to the certificate file, which is used by external MQTT listenerExample: /etc/tedge/device-certs/tedge-certificate.pemNote: This setting shall be used together with `mqtt.external.keyfile` for external connections."
    )
    public static let externalKeyFile = ConfigKey(
        "mqtt.external.keyfile", kind: .path,
        doc:
            "Path to the private key file, which is used by external MQTT listenerExample: /etc/tedge/device-certs/tedge-private-key.pemNote: This setting shall be used together with `mqtt.external.certfile` for external connections."
    )
    public static let maxQueuedMessages = ConfigKey(
        "mqtt.bridge.max_queued_messages", kind: .positiveInteger, default: .value("100000"),
        doc:
            "QoS 1 and 2 messages the broker keeps per client while it is offline (the cloud bridge, a stopped mapper); beyond that it drops them. Example: 100000"
    )
    public static let topicRoot = ConfigKey(
        "mqtt.topic_root", table: "mqtt", field: "topic_root", kind: .string, default: .value(TopicSchema.defaultRoot),
        doc: "MQTT topic root. Example: te")
    public static let deviceTopicID = ConfigKey(
        "mqtt.device_topic_id", table: "mqtt", field: "device_topic_id", kind: .entityTopicID,
        default: .value(EntityTopicID.mainDevice.description),
        doc: "The device MQTT topic identifier. Example: device/main//, device/child_001//")
    public static let serviceType = ConfigKey(
        "service.type", table: "service", field: "type", kind: .string, default: .value("service"),
        doc: "The thin-edge.io service's service type. Example: systemd")
    public static let serviceTimestampFormat = ConfigKey(
        "service.timestamp_format", table: "service", field: "timestamp_format", kind: .timeFormat,
        default: .value(TimeFormat.unix.rawValue),
        doc:
            "The format that will be used for the timestamp when generating service \"up\" messages in thin-edge JSON. Example: rfc-3339, unix"
    )
    public static let softwarePlugin = ConfigKey(
        "software.plugin.default", table: "software", field: "default_plugin_type", kind: .string,
        doc: "The default software plugin to be used for software management on the deviceExample: apt")
    public static let tmpPath = ConfigKey(
        "tmp.path", kind: .path, default: .value("/tmp"),
        doc: "The temporary directory path to be used. Example: /tmp")
    public static let logsPath = ConfigKey(
        "logs.path", kind: .path, default: .value("/var/log"),
        doc: "The directory path where log files are stored. Example: /var/log")
    public static let runPath = ConfigKey(
        "run.path", kind: .path, default: .inConfigDirectory("run"),
        doc: "The directory for runtime files such as the mappers' lock files. Example: /run/tedge")
    public static let operationsUser = ConfigKey(
        "operations.user", kind: .string, default: .value("tedge"),
        doc:
            "The user a mapper started as root runs cloud operation handlers (<config-dir>/operations/<cloud>/) as; a mapper that is not root runs them as itself. Example: tedge"
    )
    public static let operationsTimeout = ConfigKey(
        "operations.timeout", kind: .positiveInteger, default: .value("30"),
        doc:
            "Seconds a cloud operation handler may run, counted for a direct method from its request; past it the handler is killed and the method answered 504. Example: 30"
    )

    /// Keys listed before the providers' keys.
    public static let deviceKeys = [deviceID, keyPath, certPath, csrPath, deviceType]
    /// Keys listed after the providers' keys.
    public static let localKeys = [
        mqttPort, mqttBindAddress, externalPort, externalBindAddress, externalBindInterface,
        externalCAPath, externalCertFile, externalKeyFile, maxQueuedMessages, topicRoot, deviceTopicID, serviceType,
        serviceTimestampFormat,
    ] + BridgeConfigKeys.all + ProxyConfigKeys.all + [softwarePlugin, tmpPath, logsPath, runPath, operationsUser, operationsTimeout]
}
