import Dispatch
import Foundation
import Synchronization
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem
import TedgeTestSupport
import Testing

/// `tedge cert` and `tedge config` as a user types them.
@Suite struct CLITests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tedge-cli-\(UUID().uuidString.prefix(8))").path

    func tedge(_ arguments: [String], environment: [String: String] = [:]) async throws -> ChildProcess.Output {
        try await ChildProcess.run([Binaries.tedge] + arguments, environment: environment)
    }

    @Test func configDirBeforeOrAfterTheSubcommandAndFromTheEnvironment() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let create = try await tedge(["--config-dir", directory, "cert", "create", "--device-id", "my-device"])
        #expect(create.status == .exited(0), "\(create.standardError)")
        let before = try await tedge(["--config-dir", directory, "cert", "show"])
        let after = try await tedge(["cert", "show", "--config-dir", directory])
        let fromEnvironment = try await tedge(["cert", "show"], environment: ["TEDGE_CONFIG_DIR": directory])
        #expect(before.status == .exited(0))
        #expect(before.standardOutput == after.standardOutput)
        #expect(before.standardOutput == fromEnvironment.standardOutput)
        let lines = before.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 7)
        #expect(lines[6] == "Type: self-signed")
        #expect(lines[0] == "Device certificate: \(directory)/device-certs/tedge-certificate.pem")
        #expect(lines[1] == "Subject: CN=my-device, O=Thin Edge, OU=Test Device")
        #expect(lines[2] == "Issuer: CN=my-device, O=Thin Edge, OU=Test Device")
        #expect(lines[3].hasPrefix("Valid from: ") && lines[3].hasSuffix(" +0000"))
        #expect(lines[4].hasPrefix("Valid up to: "))
        #expect(lines[5].range(of: #"^Thumbprint: [0-9A-F]{40}$"#, options: .regularExpression) != nil)
        #expect(try await tedge(["--config-dir", directory, "config", "get", "device.id"]).standardOutput == "my-device\n")
    }

    @Test func failuresUseThinEdgesFormatAndExitOne() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let missing = try await tedge(["--config-dir", directory, "cert", "show"])
        #expect(missing.status == .exited(1))
        #expect(
            missing.standardError.hasPrefix(
                "Error: failed to show the device certificate\n\nCaused by:\n    No certificate has been attached to that device."
            ))
        #expect(missing.standardError.contains("Missing file"))

        let badID = try await tedge([
            "--config-dir", directory, "cert", "create", "--device-id", "':?=()*@!%,-.123ThinEdgeDevice-id",
        ])
        #expect(badID.status == .exited(1))
        #expect(badID.standardError.contains("DeviceID Error"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/device-certs/tedge-certificate.pem"))

        let unknownCloud = try await tedge(["--config-dir", directory, "connect", "nosuchcloud"])
        #expect(unknownCloud.status == .exited(1))
        #expect(unknownCloud.standardError.contains("Unknown cloud 'nosuchcloud'. Known clouds: c8y, az, aws."))

        let usage = try await tedge(["cert", "create"])
        #expect(usage.status == .exited(1))
    }

    @Test func failedSetLeavesTheFileByteIdentical() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(
            try await tedge(["--config-dir", directory, "config", "set", "az.url", "hub.azure-devices.net"]).status == .exited(0))
        let path = directory + "/tedge.toml"
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        for (key, value) in [
            ("az.url", "https://hub.azure-devices.net"), ("mqtt.port", "70000"), ("az.mapper.timestamp", "yes"),
            ("no.such.key", "1"), ("device.id", "x"), ("mqtt.bind_address", "not-an-ip"),
        ] {
            let result = try await tedge(["--config-dir", directory, "config", "set", key, value])
            #expect(result.status == .exited(1), "\(key)")
            #expect(
                result.standardError.hasPrefix("Error: failed to set the configuration key: \(key) with value: \(value)."),
                "\(key)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "\(key)")
        }
        let contents = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(contents == ["tedge.toml"])
    }

    @Test func setGetUnsetList() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(
            try await tedge(["--config-dir", directory, "config", "get", "az.url"]).standardOutput
                == "The provided config key: 'az.url' is not set\n")
        #expect(
            try await tedge(["--config-dir", directory, "config", "set", "az.url", "hub.azure-devices.net"]).status == .exited(0))
        #expect(
            try await tedge(["--config-dir", directory, "config", "get", "az.url"]).standardOutput == "hub.azure-devices.net\n")
        let list = try await tedge(["--config-dir", directory, "config", "list"]).standardOutput
        #expect(list.contains("az.url=hub.azure-devices.net\n"))
        #expect(!list.contains("c8y.url="))
        let all = try await tedge(["--config-dir", directory, "config", "list", "--all"]).standardOutput
        #expect(all.contains("\n\n"))
        #expect(all.contains("c8y.url=\n"))
        #expect(try await tedge(["--config-dir", directory, "config", "unset", "az.url"]).status == .exited(0))
        #expect(
            try await tedge(["--config-dir", directory, "config", "get", "az.url"]).standardOutput
                == "The provided config key: 'az.url' is not set\n")
        let doc = try await tedge(["--config-dir", directory, "config", "list", "--doc"]).standardOutput
        #expect(
            doc.contains(
                "az.url                         Tenant endpoint URL of Azure IoT tenant. Example:  MyAzure.azure-devices.net\n"))
        #expect(doc.contains("az.mapper.message_properties   Boolean whether Azure mapper should mark messages as UTF-8 JSON"))
    }

    @Test func helpAndVersion() async throws {
        let version = try await tedge(["--version"])
        #expect(version.status == .exited(0))
        #expect(version.standardOutput == "tedge 0.1.0\n")
        let help = try await tedge(["--help"])
        #expect(help.status == .exited(0))
        for word in ["cert", "config", "connect", "disconnect", "mqtt"] { #expect(help.standardOutput.contains(word)) }
        // The clouds come from the registry the binary was built with.
        let connectHelp = try await tedge(["connect", "--help"])
        #expect(connectHelp.status == .exited(0))
        #expect(connectHelp.standardOutput.contains("Known clouds:"), "\(connectHelp.standardOutput)")
        for line in ["  az   Azure IoT Hub", "  c8y  Cumulocity IoT", "  aws  AWS IoT Core"] {
            #expect(connectHelp.standardOutput.contains(line), "\(line) in \(connectHelp.standardOutput)")
        }
        #expect(!connectHelp.standardOutput.contains("see `tedge connect --help`"))
        let completion = try await tedge(["--generate-completion-script", "bash"])
        #expect(completion.status == .exited(0))
        #expect(completion.standardOutput.contains("tedge"))
    }
}

/// The key file is never readable by group or others, at any moment of `tedge cert create`:
/// a watcher stats every file in the certificate directory as fast as it can while certificates
/// are created and removed again and again.
@Suite struct KeyPermissionTests {
    @Test func noReadableKeyAtAnyMomentOfCreate() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tedge-keys-\(UUID().uuidString.prefix(8))")
            .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certificates = directory + "/device-certs"
        try FileManager.default.createDirectory(atPath: certificates, withIntermediateDirectories: true)
        let watching = ManagedAtomicFlag()
        let findings = WatcherFindings()
        // A thread of its own: the test's own thread blocks while each `tedge` runs.
        let watcher = Thread {
            var observations = 0
            var exposed: [String] = []
            defer { findings.finish(observations: observations, exposed: exposed) }
            while !watching.isSet {
                for name in (try? FileManager.default.contentsOfDirectory(atPath: certificates)) ?? [] {
                    let path = certificates + "/" + name
                    guard let mode = FileSystem.mode(path) else { continue }
                    observations += 1
                    if mode & 0o077 != 0, let text = try? String(contentsOfFile: path, encoding: .utf8),
                        text.contains("PRIVATE KEY")
                    {
                        exposed.append("\(name) \(String(mode, radix: 8))")
                    }
                }
            }
        }
        watcher.start()
        for round in 0..<15 {
            let create = try await ChildProcess.run([
                Binaries.tedge, "--config-dir", directory, "cert", "create", "--device-id", "d\(round)",
            ])
            #expect(create.status == .exited(0), "\(create.standardError)")
            #expect(FileSystem.mode(certificates + "/tedge-private-key.pem") == 0o400)
            #expect(
                try await ChildProcess.run([Binaries.tedge, "--config-dir", directory, "cert", "remove"]).status == .exited(0))
        }
        watching.set()
        let (observations, exposed) = await OwnThread.run { findings.wait() }
        #expect(observations > 0)
        #expect(exposed.isEmpty, "key readable by others: \(exposed)")
    }
}

/// A one-way flag shared with a detached task.
final class ManagedAtomicFlag: Sendable {
    private let flag = Synchronization.Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}

/// What the watcher thread saw, handed over when it stops.
final class WatcherFindings: Sendable {
    private let result = Mutex<(Int, [String])?>(nil)
    private let done = DispatchSemaphore(value: 0)
    func finish(observations: Int, exposed: [String]) {
        result.withLock { $0 = (observations, exposed) }
        done.signal()
    }
    func wait() -> (Int, [String]) {
        done.wait()
        return result.withLock { $0 ?? (0, []) }
    }
}
