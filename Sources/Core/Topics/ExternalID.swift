/// Cloud ids of entities, the Cumulocity way: the main device's id, else `<main-id>:` + the topic id without
/// its trailing empty segments and with `/` as `:` (`device/child1//` → `<main>:device:child1`).
public enum ExternalID {
    /// Characters an `@id` cannot contain: it becomes part of cloud topics.
    public static let forbiddenCharacters: [Character] = ["/", "+", "#"]

    public static func derived(from id: EntityTopicID, mainDeviceID: String, mainDevice: EntityTopicID = .mainDevice) -> String {
        guard id != mainDevice else { return mainDeviceID }
        var text = Substring(id.description)
        while text.last == "/" { text = text.dropLast() }
        return mainDeviceID + ":" + String(text.map { $0 == "/" ? ":" : $0 })
    }

    /// Why an `@id` is refused (thin-edge's text).
    public struct InvalidError: Error, Equatable, Sendable, CustomStringConvertible {
        public let externalID: String
        public let character: Character

        public init(externalID: String, character: Character) {
            self.externalID = externalID
            self.character = character
        }

        public var description: String { "Invalid external ID: \(externalID) contains invalid character: \(character)" }
    }

    public static func validate(_ externalID: String) throws(InvalidError) {
        if let bad = externalID.first(where: forbiddenCharacters.contains) {
            throw InvalidError(externalID: externalID, character: bad)
        }
    }
}
