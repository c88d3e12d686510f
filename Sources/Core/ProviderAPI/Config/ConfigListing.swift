/// The text of `tedge config list [--all] [--doc]`: a cloud's profiles (`az.profiles.<name>.url=…`) after its keys.
public struct ConfigListing: Sendable {
    public let config: TedgeConfig
    /// `tedge config list --profile second`: the clouds' keys of that profile (`az.profiles.second.url`), Core's keys.
    public let profile: CloudProfileName?

    public init(config: TedgeConfig, profile: CloudProfileName? = nil) {
        self.config = config
        self.profile = profile
    }

    public func lines(all: Bool, doc: Bool) -> [String] {
        if doc {
            return config.schema.keys.map { key in
                key.name.count >= 30
                    ? "\(key.name) \(key.doc)" : key.name + String(repeating: " ", count: 30 - key.name.count) + " " + key.doc
            }
        }
        var withValue: [String] = []
        var withoutValue: [String] = []
        let keys =
            profile.map { profile in config.schema.keys.map { config.schema.key($0, in: profile) } } ?? config.keysWithProfiles
        for key in keys {
            if let value = config.value(of: key) {
                withValue.append("\(key.name)=\(value)")
            } else {
                withoutValue.append("\(key.name)=")
            }
        }
        return all ? withValue + [""] + withoutValue : withValue
    }
}
