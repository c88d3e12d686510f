/// What a provider knows when asked whether, and how, to provision the device before connecting.
public struct ProvisioningRequest: Sendable {
    /// The device certificate's CN: the registration id.
    public var deviceID: String
    public var config: TedgeConfig

    public init(deviceID: String, config: TedgeConfig) {
        self.deviceID = deviceID
        self.config = config
    }
}
