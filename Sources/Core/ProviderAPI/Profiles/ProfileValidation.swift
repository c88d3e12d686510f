/// thin-edge's checks before a cloud with profiles connects (`tedge connect`'s `validate_config`), over every profile
/// of the cloud with a URL (the default one included): two profiles with the same URL need different device ids, so
/// that each is a device of its own in the cloud, and every profile needs its own `bridge.topic_prefix`. The texts are
/// thin-edge's, word for word.
public struct ProfileValidation {
    public let cloud: any CloudProvider
    public let config: TedgeConfig
    /// A profile's device id: its own configured id, else the CN of the certificate it connects with.
    public let deviceID: (TedgeConfig) -> String?

    public init(cloud: any CloudProvider, config: TedgeConfig, deviceID: @escaping (TedgeConfig) -> String?) {
        self.cloud = cloud.unprofiled
        self.config = config
        self.deviceID = deviceID
    }

    public func check() throws(TedgeError) {
        let profiles = ([nil] + config.profiles(of: cloud.id)).map { config.selecting($0, of: cloud.id) }.filter {
            $0.value(of: cloud.urlKey) != nil
        }
        for sameURL in matches(profiles, by: { $0.value(of: cloud.urlKey) }) {
            guard let sameDevice = matches(sameURL, by: deviceID).first else { continue }
            let urlKeys = sameDevice.map { name(cloud.urlKey.name, $0) }.joined(separator: ", ")
            let deviceKeys = sameDevice.map { name("\(cloud.id).device.id", $0) }.joined(separator: ", ")
            throw TedgeError(
                """
                You have matching URLs and device IDs for different profiles.

                \(urlKeys) are set to the same value, but so are \(deviceKeys).

                Each cloud profile requires either a unique URL or unique device ID, so it corresponds to a unique device in the associated cloud.
                """)
        }
        let prefixKey = ConfigKey.topicPrefix(of: cloud.id)
        if let samePrefix = matches(profiles, by: { $0.value(of: prefixKey) }).first {
            let keys = samePrefix.map { name(prefixKey.name, $0) }.joined(separator: ", ")
            throw TedgeError(
                "The configurations: \(keys) should be set to different values before connecting, but are currently set to the same value"
            )
        }
    }

    /// `az.url` as the selected profile names it: `az.profiles.second.url`.
    private func name(_ key: String, _ profile: TedgeConfig) -> String {
        guard let selected = profile.selectedProfile else { return key }
        return ConfigKey.profiled(key, cloud: cloud.id, profile: selected.name)
    }

    /// The groups of two or more profiles with the same value, in profile order; a profile without a value is in none.
    private func matches(_ profiles: [TedgeConfig], by value: (TedgeConfig) -> String?) -> [[TedgeConfig]] {
        var groups: [(value: String, members: [TedgeConfig])] = []
        for profile in profiles {
            guard let text = value(profile) else { continue }
            if let index = groups.firstIndex(where: { $0.value == text }) {
                groups[index].members.append(profile)
            } else {
                groups.append((text, [profile]))
            }
        }
        return groups.map(\.members).filter { $0.count > 1 }
    }
}
