import TedgeFileDefinedClouds
import TedgeProviderAPI
import TedgeProviderContract
import Testing

/// Bridge rule files as thin-edge 2.0 writes them: prefixes, variables, conditions, template rules, and the
/// mistakes, each with its file and line.
@Suite struct BridgeRuleFileTests {
    static let mapperFile = """
        url = "cloud.example.com"
        list = ["s", "t"]
        empty = []

        [bridge]
        topic_prefix = "up"
        on = true
        off = false

        [connection_check]
        topic = "c/ping"
        response_topic = "c/pong"
        """

    func definition(_ rules: [String: String]) -> DefinitionDirectory {
        let directory = DefinitionDirectory(name: "c", copyingExample: false)
        directory.write("mapper.toml", Self.mapperFile)
        for (file, text) in rules { directory.write("bridge/" + file, text) }
        return directory
    }

    func expansion(_ directory: DefinitionDirectory) -> BridgeRuleExpansion {
        let cloud = directory.cloud()
        return cloud.expandedBridgeRules(directory.config(cloud))
    }

    @Test func prefixesComeFromTheRuleElseTheFileAndVariablesExpand() {
        let directory = definition([
            "rules.toml": """
            local_prefix = "c/"
            remote_prefix = "${mapper.bridge.topic_prefix}/"

            [[rule]]
            topic = "ping"
            direction = "outbound"

            [[rule]]
            remote_prefix = "devices/${config.c.device.id}/"
            topic = "pong"
            direction = "inbound"

            [[rule]]
            local_prefix = "c/twin/"
            topic = "#"
            direction = "bidirectional"
            """
        ])
        let cloud = directory.cloud()
        let rules = cloud.expandedBridgeRules(directory.config(cloud, stored: ["c.device.id": "dev-1"]))
        #expect(rules.problems.isEmpty)
        #expect(
            rules.rules.map(\.bridgeTopic.line) == [
                "topic ping out 1 c/ up/", "topic pong in 1 c/ devices/dev-1/", "topic # both 1 c/twin/ up/",
            ])
        #expect(rules.rules.map(\.location.line) == [5, 10, 15])
    }

    @Test func templateRulesIterateOverAListOrAReferenceAndConditionsSkipRules() {
        let directory = definition([
            "a.toml": """
            local_prefix = "c/"
            remote_prefix = ""

            [[rule]]
            if = "${mapper.bridge.off}"
            topic = "never"
            direction = "outbound"

            [[rule]]
            if = "!${mapper.bridge.off}"
            topic = "always"
            direction = "outbound"

            [[rule]]
            if = "${connection.auth_method} == 'password'"
            topic = "password-only"
            direction = "outbound"

            [[template_rule]]
            for = ['q', 'r']
            topic = "${item}/us"
            direction = "outbound"

            [[template_rule]]
            for = "${mapper.list}"
            topic = "${item}/ds"
            direction = "inbound"

            [[template_rule]]
            for = "${mapper.empty}"
            topic = "${item}/none"
            direction = "inbound"
            """,
            "b.toml": """
            if = "${mapper.bridge.off}"
            local_prefix = "c/"
            remote_prefix = ""

            [[rule]]
            topic = "file-is-off"
            direction = "outbound"
            """,
            "c.toml.disabled": "not read at all [",
            "d.toml.template": "not read at all [",
        ])
        let rules = expansion(directory)
        #expect(rules.problems.isEmpty)
        #expect(rules.rules.map(\.topic) == ["always", "q/us", "r/us", "s/ds", "t/ds"])
        #expect(
            rules.skipped.map(\.reason) == [
                "rule skipped: its condition is false", "rule skipped: its condition is false",
                "template rule generated no rules: iterator is empty", "rule skipped: its condition is false",
            ])
        #expect(rules.skipped.map { $0.location.line ?? 0 } == [6, 16, 31, 6])
    }

    @Test func eachMistakeIsReportedWithItsFileAndLine() {
        let directory = definition([
            "rules.toml": """
            local_prefix = "c/"

            [[rule]]
            topic = "no-remote-prefix"
            direction = "outbound"

            [[rule]]
            remote_prefix = ""
            topic = "${mapper.nope}"
            direction = "outbound"

            [[rule]]
            remote_prefix = ""
            topic = "typo"
            directon = "outbound"

            [[rule]]
            remote_prefix = ""
            topic = "sideways"
            direction = "sideways"

            [[template_rule]]
            remote_prefix = ""
            topic = "${item}"
            direction = "inbound"
            """,
            "syntax.toml": "[[rule]]\ntopic = \"a\"\ndirection = outbound\n",
        ])
        let cloud = directory.cloud()
        let problems = cloud.fileViolations(config: directory.config(cloud)).map { "\($0.location!): \($0.detail)" }
        let rules = directory.path("bridge/rules.toml")
        #expect(
            problems.contains(
                "\(rules):4: Missing 'remote_prefix' for rule: add 'remote_prefix' to this rule, or define it globally at the top of the file"
            ))
        #expect(problems.contains("\(rules):9: `${mapper.nope}`: `nope` is not set in mapper.toml"))
        #expect(
            problems.contains(
                "\(rules):15: unknown field `directon` in [[rule]], expected one of `local_prefix`, `remote_prefix`, `topic`, `direction`, `if`"
            ))
        #expect(problems.contains("\(rules):14: [[rule]] has no `direction` (outbound, inbound or bidirectional)"))
        #expect(problems.contains("\(rules):20: `direction` must be outbound, inbound or bidirectional, not \"sideways\""))
        #expect(problems.contains("\(rules):24: [[template_rule]] needs `for`: a list of strings or a \"${…}\" reference"))
        #expect(problems.contains("\(directory.path("bridge/syntax.toml")):3: expected a value, found `o` (column 13)"))
        #expect(problems.count == 7, "\(problems)")
    }

    @Test func conditionsThinEdgeDoesNotReadAreMistakes() {
        let directory = definition([
            "rules.toml": """
            local_prefix = "c/"
            remote_prefix = ""

            [[rule]]
            if = "${mapper.url}"
            topic = "a"
            direction = "outbound"

            [[rule]]
            if = "yes"
            topic = "b"
            direction = "outbound"
            """
        ])
        let cloud = directory.cloud()
        let problems = cloud.fileViolations(config: directory.config(cloud)).map(\.detail)
        #expect(problems.contains("`${mapper.url}`: `cloud.example.com` is not true or false"))
        #expect(
            problems.contains(
                #"`yes` is not a condition (use "${config.<key>}", "!${config.<key>}" or "${connection.auth_method} == '<method>'")"#
            ))
    }
}
