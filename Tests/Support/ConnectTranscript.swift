/// The seed documentation's `tedge connect az` transcript (each line is followed by an empty one),
/// asserted by the end-to-end test with the real binaries and by the connector's unit tests alike.
public enum ConnectTranscript {
    /// With the init system named in the first line (`local-init` in the tests, `systemd` on a device).
    public static func azure(initSystem: String) -> [String] {
        [
            "Checking if \(initSystem) is available.",
            "Checking if configuration for requested bridge already exists.",
            "Validating the bridge certificates.",
            "Saving configuration for requested bridge.",
            "Restarting mosquitto service.",
            "Awaiting mosquitto to start. This may take up to 5 seconds.",
            "Persisting mosquitto on reboot.",
            "Successfully created bridge connection!",
            "Checking if tedge-mapper is installed.",
            "Starting tedge-mapper-az service.",
            "Persisting tedge-mapper-az on reboot.",
            "tedge-mapper-az service successfully started and enabled!",
            "Sending packets to check connection. This may take up to 10 seconds.",
            "Received expected response message, connection check is successful.",
        ]
    }
}
