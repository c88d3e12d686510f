extension CloudProvider {
    /// The certificate and key this cloud's bridge authenticates with: its own `<id>.device.cert_path` and
    /// `<id>.device.key_path` when it declares both and they have values (a user-defined cloud's `[device]`), else
    /// the device's `device.cert.path` and `device.key.path`. The same for the mosquitto bridge and the built-in one.
    public func deviceCertificatePaths(_ config: TedgeConfig) -> (certificate: String, key: String) {
        if let certificate = ownDeviceValue("cert_path", config), let key = ownDeviceValue("key_path", config) {
            return (certificate, key)
        }
        return (config.value(of: CoreConfigKeys.certPath) ?? "", config.value(of: CoreConfigKeys.keyPath) ?? "")
    }

    /// The client id this cloud gives the device when it sets one (`<id>.device.id`, a user-defined cloud's
    /// `[device] id`); nil: the certificate's CN. A key that defaults to the device id (Cumulocity's, which `connect`
    /// records the CN in) is a record of the CN, not a choice of another id.
    public func configuredDeviceID(_ config: TedgeConfig) -> String? {
        ownDeviceValue("id", config, ignoring: .deviceID)
    }

    private func ownDeviceValue(_ field: String, _ config: TedgeConfig, ignoring recorded: ConfigKey.Default? = nil) -> String? {
        configKeys.first { $0.name == "\(id).device.\(field)" && $0.defaultValue != recorded }.flatMap { config.value(of: $0) }
    }
}
