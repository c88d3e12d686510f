import TedgeProviderAPI

extension CloudRegistry {
    /// The `--help` discussion of the commands that take a cloud: one line per known cloud.
    var knownCloudsHelp: String {
        let width = ids.map(\.count).max() ?? 0
        let lines = providers.map { "  " + $0.id + String(repeating: " ", count: width - $0.id.count + 2) + $0.displayName }
        return (["Known clouds:"] + lines).joined(separator: "\n")
    }
}
