/// How a cloud is called in listings and in thin-edge's sentences; they differ by cloud
/// (Cumulocity's bridge is "C8y"), so a provider states them rather than deriving them.
public struct CloudNames: Sendable, Equatable {
    /// `Azure IoT Hub`: for listings.
    public var display: String
    /// `Azure`: "connect Azure cloud.", "Device is not connected to Azure cloud".
    public var cloud: String
    /// `Azure` / `C8y`: "Removing Azure bridge.".
    public var bridge: String

    public init(display: String, cloud: String, bridge: String? = nil) {
        self.display = display
        self.cloud = cloud
        self.bridge = bridge ?? cloud
    }
}
