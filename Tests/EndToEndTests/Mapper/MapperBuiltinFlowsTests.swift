import Foundation
import TedgeProviderAPI
import TedgeRuntime
import Testing

/// The builtin flows `tedge-mapper az` and `aws` write to `<config-dir>/mappers/<cloud>/flows/` and map `te/` with, as
/// thin-edge 2.0 does: the files written, an edit taking effect in the running mapper (thin-edge's Robot vectors AZ-15,
/// AZ-16 and AZ-18, `tests/RobotFramework/tests/azure/azure_telemetry.robot`), an edited file kept across restarts with
/// only the template refreshed, a disabled one not written, `tedge flows` reading them, and a profile's directory.
@Suite(.serialized) struct MapperBuiltinFlowsTests {
    static func text(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    func flowsDirectory(_ harness: TeMapperHarness, _ mapper: String = "az") -> String {
        harness.directory + "/mappers/\(mapper)/flows"
    }

    /// `te/device/main/service/tedge-mapper-<cloud>/status/flows`.
    func statusTopic(_ harness: TeMapperHarness) -> String {
        String(harness.healthTopic.dropLast("/health".count)) + "/flows"
    }

    func cloudOutputs(_ harness: TeMapperHarness, prefix: String = "az/") async throws -> [MQTTMessage] {
        try await harness.fence().filter { $0.topic.hasPrefix(prefix) }
    }

    /// thin-edge's edit of the file (`sed s/unix/rfc3339/`), written as a new file the way sed -i does.
    func edit(_ path: String, _ change: (String) -> String) throws {
        let original = try #require(Self.text(path))
        try change(original).write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func azureWritesItsFlowAndAnEditTakesEffectInTheRunningMapper() async throws {
        // thin-edge's setup: unix timestamps, a 128-byte limit.
        let az = try await TeMapperHarness(
            cloud: "az", settings: [("az.mapper.timestamp_format", "unix"), ("az.mapper.mqtt.max_payload_size", "128")])
        try await az.startMapper()
        let mea = flowsDirectory(az) + "/mea.toml"
        let written = try #require(Self.text(mea))
        #expect(Self.text(mea + ".template") == written)
        #expect(
            written.contains(#"{ builtin = "add-timestamp", config = { property = "time", format = "unix", reformat = true } },"#)
        )
        #expect(written.contains("{ builtin = \"limit-payload-size\", config = { max_size = 128 } },"))
        #expect(written.contains(#"output.mqtt.topic = "az/messages/events/""#))

        // AZ-15: the time as it came (unix), no type, no source.
        try await az.publish("te/device/child-az///m/env", #"{"temperature1":10, "time":1768404563.338 }"#)
        let before = try await cloudOutputs(az)
        #expect(before.count == 1)
        let first = before.first?.text ?? ""
        #expect(first.contains(#""time":1768404563.338"#), "\(first)")
        #expect(!first.contains(#""type":"#) && !first.contains(#""source":"#), "\(first)")

        // AZ-16: the user's edit is reloaded (`updated` on the mapper's flows status) and used for the next message.
        try edit(mea) { $0.replacingOccurrences(of: "unix", with: "rfc3339") }
        let status = await az.next(on: statusTopic(az))
        #expect(status?.text?.contains(#""status":"updated""#) == true, "\(status?.text ?? "no status")")
        #expect(status?.text?.contains("mea.toml") == true)
        try await az.publish("te/device/child-az///m/env", #"{"temperature2":10, "time":1768404563.338 }"#)
        let after = try await cloudOutputs(az)
        #expect(after.count == 1)
        #expect(after.first?.text?.contains(#""time":"2026-01-14T15:29:23.338Z""#) == true, "\(after.first?.text ?? "nothing")")

        // AZ-18: over the flow's limit, thin-edge 2.x's error naming the flow file; nothing to the cloud.
        let digits = String(repeating: "0123456789", count: 40)
        try await az.publish("te/device/main///e/event-type", #"{"text": "some digits: \#(digits)"}"#)
        let refused = try await az.fence()
        #expect(
            refused.filter { $0.topic == "te/errors" }.map(\.text) == [
                "Error in \(mea): Input message cannot be processed: Payload is too large >128"
            ])
        #expect(!refused.contains { $0.topic.hasPrefix("az/") })
        #expect(az.isMapperRunning)
    }

    @Test func anEditedFlowIsKeptAcrossRestartsAndOnlyItsTemplateFollowsTheConfiguration() async throws {
        let az = try await TeMapperHarness(cloud: "az")
        try await az.startMapper()
        let mea = flowsDirectory(az) + "/mea.toml"
        try edit(mea) { $0.replacingOccurrences(of: "unix", with: "rfc3339") }
        let edited = try #require(Self.text(mea))
        az.mapper?.stop()

        let set = try await ChildProcess.run(
            [Binaries.tedge, "--config-dir", az.directory, "config", "set", "az.mapper.mqtt.max_payload_size", "1000"])
        #expect(set.status == .exited(0))
        try await az.startMapper()
        #expect(Self.text(mea) == edited)
        let template = try #require(Self.text(mea + ".template"))
        #expect(template.contains("max_size = 1000") && template.contains(#"format = "unix""#))
        #expect(try az.logText().contains("kept \(mea) as edited"))

        // The user's flow maps: rfc3339.
        try await az.publish("te/device/main///m/env", #"{"t":1,"time":1768404563.338}"#)
        let out = try await cloudOutputs(az)
        #expect(out.map(\.text) == [#"{"t":1,"time":"2026-01-14T15:29:23.338Z"}"#])
    }

    @Test func aDisabledFlowIsNotWrittenAndTeIsNotMappedWhileTheLegacyTopicIs() async throws {
        let az = try await TeMapperHarness(cloud: "az", settings: [("az.mapper.timestamp", "false")])
        let flows = flowsDirectory(az)
        try FileManager.default.createDirectory(atPath: flows, withIntermediateDirectories: true)
        try "# disabled by the user\n".write(toFile: flows + "/mea.toml.disabled", atomically: true, encoding: .utf8)
        try await az.startMapper()
        #expect(Self.text(flows + "/mea.toml") == nil)
        #expect(Self.text(flows + "/mea.toml.template")?.contains("skip-mosquitto-health-status") == true)
        #expect(Self.text(flows + "/mea.toml.disabled") == "# disabled by the user\n")

        try await az.publish("te/device/main///m/env", #"{"temperature": 21}"#)
        #expect(try await cloudOutputs(az).isEmpty)
        try await az.publish("tedge/measurements", #"{"temperature": 21}"#)
        let legacy = try await cloudOutputs(az)
        #expect(legacy.map(\.text) == [#"{"temperature":21.0}"#])
    }

    /// A configuration directory the mapper cannot write (a read-only root file system, played by a file where the
    /// cloud's mapper directory would go): `te/` is still mapped, by the builtin flows run from a private directory,
    /// which goes when the mapper stops.
    @Test func anUnwritableConfigurationDirectoryStillMapsTe() async throws {
        let az = try await TeMapperHarness(cloud: "az", settings: [("az.mapper.timestamp", "false")])
        try FileManager.default.createDirectory(atPath: az.directory + "/mappers", withIntermediateDirectories: true)
        try "not a directory\n".write(toFile: az.directory + "/mappers/az", atomically: true, encoding: .utf8)
        try await az.startMapper()
        try await az.publish("te/device/main///m/env", #"{"temperature": 21}"#)
        let outputs = try await cloudOutputs(az)
        #expect(outputs.map(\.topic).allSatisfy { $0.hasPrefix("az/messages/events/") })
        #expect(outputs.map(\.text) == [#"{"temperature": 21}"#])

        let log = try #require(Self.text(az.log))
        #expect(log.contains("cannot write \(az.directory)/mappers/az/flows/mea.toml"), "\(log)")
        let line = try #require(log.split(separator: "\n").first { $0.contains("running the builtin flows from ") })
        let scratch = String(line.split(separator: " ").first { $0.hasPrefix("/tmp/tedge-mapper-az-flows.") } ?? "")
            .trimmingCharacters(in: CharacterSet(charactersIn: ";"))
        #expect(FileManager.default.fileExists(atPath: scratch + "/mea.toml"), "\(line)")
        let mapper = try #require(az.mapper)
        mapper.signal(SIGTERM)
        #expect(await mapper.wait(timeout: .seconds(15)) == .exited(0))
        #expect(!FileManager.default.fileExists(atPath: scratch), "\(scratch) is left behind")
    }

    @Test func awsWritesItsFlowAndTedgeFlowsReadsIt() async throws {
        let aws = try await TeMapperHarness(cloud: "aws", settings: [("aws.mapper.timestamp", "false")])
        try await aws.startMapper()
        let mea = flowsDirectory(aws, "aws") + "/mea.toml"
        #expect(Self.text(mea)?.contains(#"{ builtin = "set-aws-topic", config = { prefix = "aws" } },"#) == true)

        func tedge(_ arguments: [String]) async throws -> ChildProcess.Output {
            try await ChildProcess.run([Binaries.tedge, "--config-dir", aws.directory, "flows"] + arguments)
        }
        #expect(try await tedge(["config-dir", "--mapper", "aws"]).standardOutput == flowsDirectory(aws, "aws") + "\n")
        let list = try await tedge(["list", "--mapper", "aws"])
        #expect(list.status == .exited(0), "\(list.standardError)")
        #expect(list.standardOutput.contains("File        : \(mea)"))
        let test = try await tedge(["test", "--mapper", "aws", "te/device/child///m/env", #"{"t":1}"#])
        #expect(test.standardOutput == "[aws/td/device:child/m/env] {\"t\":1}\n", "\(test.standardError)")

        // An edit of the set-aws-topic step's prefix moves the running mapper's outputs.
        try edit(mea) { $0.replacingOccurrences(of: #"prefix = "aws""#, with: #"prefix = "aws/edited""#) }
        let status = await aws.next(on: statusTopic(aws))
        #expect(status?.text?.contains(#""status":"updated""#) == true)
        try await aws.publish("te/device/main///m/env", #"{"t":2}"#)
        let out = try await cloudOutputs(aws, prefix: "aws/")
        #expect(out.map(\.topic) == ["aws/edited/td/device:main/m/env"])
        #expect(out.map(\.text) == [#"{"t":2}"#])
    }

    /// Under a cloud profile the directory is `mappers/<cloud>.<profile>/` and the outputs go to the profile's prefix.
    @Test func aProfilesFlowsLiveInItsOwnDirectory() async throws {
        let az = try await TeMapperHarness(
            cloud: "az",
            settings: [("az.profiles.second.bridge.topic_prefix", "az-second"), ("az.profiles.second.mapper.timestamp", "false")])
        let configDir = try await ChildProcess.run(
            [Binaries.tedge, "--config-dir", az.directory, "flows", "config-dir", "--mapper", "az", "--profile", "second"])
        #expect(configDir.standardOutput == az.directory + "/mappers/az.second/flows\n")
        let badName = try await ChildProcess.run(
            [Binaries.tedge, "--config-dir", az.directory, "flows", "config-dir", "--mapper", "az", "--profile", "a b"])
        #expect(badName.status == .exited(1))
        #expect(badName.standardError.contains("Profile names can only contain letters, numbers, `-` or `_`"))

        let mapper = try ChildProcess.spawn(
            [Binaries.mapper, "--config-dir", az.directory, "az", "--profile", "second"], standardOutput: az.log,
            standardError: az.log)
        defer { mapper.stop() }
        let health = await az.next(on: "te/device/main/service/tedge-mapper-az-second/status/health")
        #expect(health?.text?.contains(#""status":"up""#) == true, "\((try? az.logText()) ?? "")")
        let mea = az.directory + "/mappers/az.second/flows/mea.toml"
        #expect(Self.text(mea)?.contains("skip-mosquitto-health-status") == true)
        #expect(Self.text(az.directory + "/mappers/az/flows/mea.toml") == nil)

        try await az.publish("te/device/main///m/env", #"{"temperature": 21}"#)
        // The profile's mapper forwards its own health there too; the measurement follows.
        var out = await az.next(on: "az-second/messages/events/$.ct=application%2Fjson&$.ce=utf-8")
        while out?.text?.contains(#""pid":"#) == true {
            out = await az.next(on: "az-second/messages/events/$.ct=application%2Fjson&$.ce=utf-8")
        }
        #expect(out?.text == #"{"temperature": 21}"#)
    }
}
