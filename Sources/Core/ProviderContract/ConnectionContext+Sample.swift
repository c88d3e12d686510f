import TedgeProviderAPI

extension ConnectionContext {
    /// A context as `tedge connect` hands it to `provider` on a device with the default paths, for the
    /// contract and for a provider's own tests (a golden bridge file, the check's request); change
    /// what a test is about.
    public static func sample(
        for provider: any CloudProvider, deviceID: String = "contract-device",
        cloud: HostAndPort = HostAndPort(host: "cloud.example.com", port: 8883),
        rootCertificatePath: String = ConfigKey.systemCertificates,
        certificatePath: String = "/etc/tedge/device-certs/tedge-certificate.pem",
        keyPath: String = "/etc/tedge/device-certs/tedge-private-key.pem", config: TedgeConfig? = nil
    ) -> ConnectionContext {
        ConnectionContext(
            deviceID: deviceID, cloud: cloud, rootCertificatePath: rootCertificatePath, certificatePath: certificatePath,
            keyPath: keyPath,
            config: config ?? TedgeConfig(schema: ConfigSchema(providerKeys: provider.configKeys), directory: "/etc/tedge"))
    }
}
