import ArgumentParser
import Glibc
import TedgeProviderAPI
import TedgeSystem

/// `tedge bridge test <cloud> <topic>`: where the bridge forwards one concrete topic, local or remote; exit 2 when no
/// rule matches. thin-edge's texts.
struct BridgeTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Test where a specific MQTT topic would be forwarded by the bridge")

    @Argument(help: "The cloud or user-defined mapper to test (e.g. c8y, az, aws, or a mapper under <config-dir>/mappers/)")
    var cloud: String

    @Argument(help: "The MQTT topic to test (local or remote, wildcards are not supported)")
    var topic: String

    @OptionGroup var profile: ProfileOption

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let action = "test bridge topic routing for \(cloud): \(topic)"
        // Matching a wildcard against wildcard rules is ambiguous (a/+/c and a/b/+ both match a/b/c). thin-edge's
        // line, as it prints it: the error alone, before any rule is read.
        guard !topic.contains("#") && !topic.contains("+") else {
            Console.standardError.line(
                "Error: Wildcard characters (#, +) are not supported. Provide a concrete topic to test against.")
            Glibc.exit(1)
        }
        let rules: BridgeRuleSet
        do { rules = try BridgeRuleSet(cloud: cloud, profile: profile.selected(), global: global) } catch { throw CommandFailure(action, cause: error) }
        let matches = BridgeTopicMatch.matches(of: topic, in: rules.topics)
        guard !matches.isEmpty else {
            Console.standardOutput.line("No matching bridge rule found for \"\(topic)\"")
            Glibc.exit(2)
        }
        for match in matches { for line in match.lines { Console.standardOutput.line(line) } }
    }
}
