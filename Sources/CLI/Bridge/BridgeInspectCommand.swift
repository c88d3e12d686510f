import ArgumentParser
import TedgeProviderAPI
import TedgeSystem

/// `tedge bridge inspect <cloud>`, laid out as thin-edge prints it: the rules by direction, local and remote topics.
struct BridgeInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Show the bridge rules of a cloud")

    @Argument(help: "The cloud or user-defined mapper to inspect (e.g. c8y, az, aws, or a mapper under <config-dir>/mappers/)")
    var cloud: String

    @Flag(name: .customLong("show-all"), help: "Show skipped rules too (a false condition, an empty template loop)")
    var showAll = false

    @OptionGroup var profile: ProfileOption

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let rules: BridgeRuleSet
        do { rules = try BridgeRuleSet(cloud: cloud, profile: profile.selected(), global: global) } catch {
            throw CommandFailure("inspect the bridge configuration for \(cloud)", cause: error)
        }
        let out = Console.standardOutput
        out.line("Bridge configuration for \(rules.title)")
        out.line("Reading from: \(rules.source)")
        out.line()
        for file in rules.disabledFiles { out.line("Skipping: \(file) (disabled)") }
        if showAll && !rules.skipped.isEmpty {
            out.line("Skipped rules:")
            for skipped in rules.skipped { out.line("  \(skipped.location): \(skipped.reason)") }
            out.line()
        }
        section("Local -> Remote", rules.topics.filter { $0.direction == .outbound }, arrow: "->") {
            ($0.localPrefix + $0.pattern, $0.remotePrefix + $0.pattern)
        }
        out.line()
        section("Remote -> Local", rules.topics.filter { $0.direction == .inbound }, arrow: "->") {
            ($0.remotePrefix + $0.pattern, $0.localPrefix + $0.pattern)
        }
        out.line()
        section("Bidirectional", rules.topics.filter { $0.direction == .both }, arrow: "<->") {
            ($0.localPrefix + $0.pattern, $0.remotePrefix + $0.pattern)
        }
    }

    private func section(_ title: String, _ topics: [BridgeTopic], arrow: String, sides: (BridgeTopic) -> (String, String)) {
        Console.standardOutput.line(title)
        guard !topics.isEmpty else { return Console.standardOutput.line("  -- No matching rules --") }
        let pairs = topics.map(sides)
        let width = pairs.map(\.0.count).max() ?? 0
        for (from, to) in pairs {
            Console.standardOutput.line("  \(from)\(String(repeating: " ", count: width - from.count))  \(arrow)  \(to)")
        }
    }
}
