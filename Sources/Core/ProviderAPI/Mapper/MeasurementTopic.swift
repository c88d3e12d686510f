/// Where Thin Edge JSON measurements arrive: `tedge/measurements` for the device itself,
/// `tedge/measurements/<child>` for a child device.
public enum MeasurementTopic {
    public static let main = "tedge/measurements"

    /// The legacy namespace (`tedge/…`), which the `te/` mapping leaves alone.
    public static func isLegacy(_ topic: String) -> Bool { topic.hasPrefix("tedge/") }

    /// nil for the main device (or a topic that is not a measurement topic); the child id otherwise.
    public static func childID(of topic: String) -> Result<String?, ConversionError> {
        let prefix = main + "/"
        guard topic.hasPrefix(prefix) else { return .success(nil) }
        let id = String(topic.dropFirst(prefix.count))
        guard !id.isEmpty, !id.contains(where: { $0 == "/" || $0 == "+" || $0 == "#" }) else {
            return .failure(ConversionError("The given Child ID '\(id)' is invalid."))
        }
        return .success(id)
    }
}
