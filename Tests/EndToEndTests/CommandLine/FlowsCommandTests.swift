import Foundation
import TedgeRuntime
import TedgeTestSupport
import Testing

/// `tedge flows` through the built binary (`swift build` first): offline tests of a mapper's flows.
@Suite struct FlowsCommandTests {
    let configuration = TemporaryDirectory()

    func tedge(_ arguments: [String], standardInput: String? = nil) async throws -> ChildProcess.Output {
        try await ChildProcess.run(
            [Binaries.tedge, "--config-dir", configuration.path] + arguments, standardInput: standardInput)
    }

    func write(_ path: String, _ text: String) throws {
        let file = configuration.file(path)
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
    }

    /// A ThingsBoard-style cloud written as a Lua flow, and an Azure-style builtin flow with a small limit.
    func writeFlows() throws {
        try write(
            "mappers/tb/flows/telemetry.lua",
            """
            function onMessage(message, context)
                local values = json.decode(message.payload)
                return { topic = "v1/devices/me/telemetry", payload = json.encode({ ts = math.floor(message.time * 1000), values = values }) }
            end
            """)
        try write(
            "mappers/tb/flows/telemetry.toml",
            "input.mqtt.topics = [\"te/+/+/+/+/m/+\"]\nsteps = [{ script = \"telemetry.lua\" }]\n")
        try write(
            "mappers/az/flows/mea.toml",
            """
            version = "2.0.1"
            input.mqtt.topics = ["te/+/+/+/+/m/+", "te/+/+/+/+/status/health"]
            steps = [
                { builtin = "skip-mosquitto-health-status" },
                { builtin = "add-timestamp", config = { property = "time", format = "rfc-3339", reformat = true } },
                { builtin = "limit-payload-size", config = { max_size = 128 } },
            ]
            output.mqtt.topic = "az/messages/events/"
            errors.mqtt.topic = "te/errors"
            """)
    }

    @Test func configDirNamesTheMappersFlowsDirectory() async throws {
        #expect(try await tedge(["flows", "config-dir"]).standardOutput == "\(configuration.path)/mappers/local/flows\n")
        #expect(
            try await tedge(["flows", "config-dir", "--mapper", "az"]).standardOutput
                == "\(configuration.path)/mappers/az/flows\n")
    }

    @Test func aSampleFromTheArgumentsGoesThroughTheMappersFlows() async throws {
        try writeFlows()
        let output = try await tedge(["flows", "test", "--mapper", "tb", "te/device/main///m/env", #"{"temperature":21}"#])
        #expect(output.status == .exited(0), "\(output.standardError)")
        #expect(
            output.standardOutput.range(
                of: #"^\[v1/devices/me/telemetry\] \{"ts":[0-9]{13},"values":\{"temperature":21\}\}\n$"#,
                options: .regularExpression) != nil,
            "\(output.standardOutput)")
        #expect(output.standardError.isEmpty)
    }

    @Test func samplesFromStandardInputGiveOutputLinesAndErrorsOnStandardError() async throws {
        try writeFlows()
        let lines = configuration.file("samples.txt")
        try """
        [te/device/main///m/env] {"temperature": -16, "time": "2021-04-08T00:00:00+05:00"}

        [te/device/main/service/mosquitto-az-bridge/status/health] 1
        [te/device/main///m/big] {"text": "\(String(repeating: "x", count: 200))"}
        [te/device/main/service/app/status/health] {"status":"up","time":"2021-04-08T00:00:00+05:00"}
        """.write(toFile: lines, atomically: true, encoding: .utf8)
        let output = try await tedge(["flows", "test", "--mapper", "az"], standardInput: lines)
        #expect(output.status == .exited(0))
        #expect(
            output.standardOutput == """
                [az/messages/events/] {"temperature":-16,"time":"2021-04-08T00:00:00+05:00"}
                [az/messages/events/] {"status":"up","time":"2021-04-08T00:00:00+05:00"}

                """)
        #expect(
            output.standardError
                == "Error in \(configuration.path)/mappers/az/flows/mea.toml: Input message cannot be processed: Payload is too large >128\n"
        )
    }

    @Test func oneFlowFromAnotherDirectoryAndItsListing() async throws {
        try writeFlows()
        let directory = configuration.file("mappers/tb/flows")
        let output = try await tedge([
            "flows", "test", "--flows-dir", directory, "--flow", "telemetry.toml", "te/device/child///m/", "{}",
        ])
        #expect(output.standardOutput.hasPrefix("[v1/devices/me/telemetry] {\"ts\":"), "\(output.standardError)")
        let listing = try await tedge(["flows", "list", "--mapper", "az"])
        #expect(listing.status == .exited(0))
        #expect(
            listing.standardOutput == """
                Flow        : mea (v2.0.1)
                Description : none
                File        : \(configuration.path)/mappers/az/flows/mea.toml
                Step 1      : skip-mosquitto-health-status
                Step 2      : add-timestamp
                Step 3      : limit-payload-size


                """)
    }

    @Test func aBrokenFlowIsReportedAndListFails() async throws {
        try write("mappers/local/flows/broken.toml", "input.mqtt.topics = [\"a/#/b\"]\n")
        let listing = try await tedge(["flows", "list"])
        #expect(listing.status == .exited(1))
        let path = "\(configuration.path)/mappers/local/flows"
        #expect(
            listing.standardError == """
                Failed to load flow \(path)/broken.toml: Not a valid MQTT topic filter: a/#/b
                Error: failed to list flows and flow steps in \(path)

                Caused by:
                    Some invalid flows

                """)
        let missing = try await tedge(["flows", "test", "te/x"])
        #expect(missing.status == .exited(1))
        #expect(missing.standardError.hasSuffix("Caused by:\n    Missing sample payload\n"))
        let nowhere = try await tedge(["flows", "test", "--mapper", "nowhere", "te/x", "{}"])
        #expect(nowhere.status == .exited(1))
        #expect(
            nowhere.standardError.hasPrefix(
                "Error: failed to process message samples using flows and steps in \(configuration.path)/mappers/nowhere/flows\n")
        )
        #expect(nowhere.standardError.contains("No such file or directory (os error 2)"))
    }
}
