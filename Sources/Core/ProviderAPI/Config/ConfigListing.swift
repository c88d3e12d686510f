/// The text of `tedge config list [--all] [--doc]`: a cloud's profiles (`az.profiles.<name>.url=…`) after its keys.
public struct ConfigListing: Sendable {
    public let config: TedgeConfig

    public init(config: TedgeConfig) { self.config = config }

    public func lines(all: Bool, doc: Bool) -> [String] {
        if doc {
            return config.schema.keys.map { key in
                key.name.count >= 30
                    ? "\(key.name) \(key.doc)" : key.name + String(repeating: " ", count: 30 - key.name.count) + " " + key.doc
            }
        }
        var withValue: [String] = []
        var withoutValue: [String] = []
        for key in config.keysWithProfiles {
            if let value = config.value(of: key) {
                withValue.append("\(key.name)=\(value)")
            } else {
                withoutValue.append("\(key.name)=")
            }
        }
        return all ? withValue + [""] + withoutValue : withValue
    }
}
