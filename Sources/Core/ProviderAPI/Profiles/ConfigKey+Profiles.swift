/// Where a cloud profile's keys live: `az.profiles.<name>.url` mirrors `az.url`, stored in tedge.toml as thin-edge
/// stores it, in the table `[az.profiles.<name>]` (a key of `[c8y.bridge]` in `[c8y.profiles.<name>.bridge]`).
extension ConfigKey {
    /// `<cloud>.bridge.topic_prefix`: Core's key for every cloud, the local prefix of its bridge and mapper topics.
    public static func topicPrefix(of cloud: String) -> ConfigKey {
        ConfigKey(
            "\(cloud).bridge.topic_prefix", kind: .topicPrefix, default: .value(cloud),
            doc:
                "The prefix of the \(cloud) cloud's local topics (bridge and mapper); every profile of a cloud needs its own. Example: \(cloud)-second"
        )
    }

    /// This key of the default profile as the key of `profile`: `az.url` → `az.profiles.second.url`.
    public func inProfile(_ profile: CloudProfileName) -> ConfigKey {
        guard case .toml(let table, let field) = storage else { return self }
        let cloud = namespace
        return ConfigKey(
            Self.profiled(name, cloud: cloud, profile: profile),
            table: Self.profiled(table, cloud: cloud, profile: profile), field: field, kind: kind,
            default: defaultValue, doc: doc, example: example)
    }

    /// `az.profiles.second.url` for `az.url`; `c8y.profiles.second.bridge` for the table `c8y.bridge`.
    static func profiled(_ dotted: String, cloud: String, profile: CloudProfileName) -> String {
        "\(cloud).profiles.\(profile)" + dotted.dropFirst(cloud.count)
    }

    /// `az.profiles.SECOND.url` → (`az`, the name as typed, `az.url`); the same for a table name (`az.profiles.x` →
    /// (`az`, `x`, `az`)) with `minimumParts` 3; nil for a name that names no profile.
    static func splitProfile(_ dotted: String, minimumParts: Int = 4) -> (cloud: String, profile: String, base: String)? {
        let parts = dotted.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= minimumParts, parts[1] == "profiles" else { return nil }
        return (String(parts[0]), String(parts[2]), ([parts[0]] + parts[3...]).joined(separator: "."))
    }
}
