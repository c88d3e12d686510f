import Foundation
import TedgeProviderAPI
import TedgeRuntime
import TedgeTestSupport
import Testing

/// The clouds' own device SDKs (Azure's azure-iot-device, AWS's awsiotsdk, from scripts/install-deps'
/// virtual environment) against the simulator, with a certificate made by `tedge cert create`; the
/// cloud side through `tedge-cloud-sim monitor | twin | send | invoke`, as with Azure's CLI.
@Suite(.serialized) struct CloudSDKTests {
    private func preparedDevice(id: String) async throws -> DeviceEnvironment {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        device.expectSuccess(try await device.tedge("cert", "create", "--device-id", id))
        try await device.register()
        return device
    }

    private func deviceArguments(_ device: DeviceEnvironment, id: String) -> [String] {
        [String(device.simulatorTLSPort), id, device.certificatePath, device.keyPath, device.caPath]
    }

    private func simulator(_ device: DeviceEnvironment, _ arguments: String...) async throws -> ChildProcess.Output {
        try await ChildProcess.run(
            [Binaries.simulator, arguments[0], "--dir", device.simulatorDirectory] + arguments.dropFirst())
    }

    @Test func azureSDKDeviceSendsReadsTwinsAndAnswersTheCloud() async throws {
        let device = try await preparedDevice(id: "sdk-device")
        let monitorOutput = device.root + "/monitor.out"
        let monitor = try ChildProcess.spawn(
            [Binaries.simulator, "monitor", "--dir", device.simulatorDirectory, "--count", "1", "--timeout", "90"],
            standardOutput: monitorOutput, standardError: monitorOutput)
        defer { monitor.stop() }
        var monitoring = false
        for _ in 0..<400 {
            // The file appears when the monitor starts; polling tolerates its absence, the check below does not.
            if ((try? String(contentsOfFile: monitorOutput, encoding: .utf8)) ?? "").contains("Monitoring events") {
                monitoring = true
                break
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        let monitorStart = try String(contentsOfFile: monitorOutput, encoding: .utf8)
        #expect(monitoring, "the monitor never started: \(monitorStart)")

        let sdk = try SDKDevice(
            script: "azure_device.py", arguments: deviceArguments(device, id: "sdk-device"), output: device.root + "/azure.out")
        let ready = await sdk.line(startingWith: "ready", timeout: .seconds(90))
        #expect(ready != nil, "the SDK device did not get ready:\n\(sdk.lines.joined(separator: "\n"))")

        // Twin: GET, then a reported PATCH answered 204 with the next version.
        let twins = sdk.lines.filter { $0.hasPrefix("twin ") }
        #expect(twins.count == 2)
        #expect(twins.first == #"twin {"desired": {"$version": 1}, "reported": {"$version": 1}}"#)
        #expect(twins.last == #"twin {"desired": {"$version": 1}, "reported": {"$version": 2, "firmware": "1.2.3"}}"#)
        let log = try String(contentsOfFile: device.simulatorLog, encoding: .utf8)
        #expect(log.contains("$iothub/twin/res/204/?$rid=") && log.contains("&$version=2"))
        let stored = try await simulator(device, "twin", "sdk-device")
        device.expectSuccess(stored)
        #expect(stored.standardOutput.contains(#""reported":{"$version":2,"firmware":"1.2.3"}"#))

        // Device to cloud, with properties, as `monitor` shows it.
        #expect(await monitor.wait(timeout: .seconds(30)) == .exited(0))
        let events = try String(contentsOfFile: monitorOutput, encoding: .utf8)
        #expect(events.contains("event from sdk-device"))
        #expect(events.contains("properties: $.ce=utf-8, $.ct=application/json, k=v, source=sdk test"))
        #expect(events.contains(#"payload:    {"temperature": 21.5}"#))

        // Desired properties pushed to the SDK's handler.
        let desired = try await simulator(device, "twin", "sdk-device", "--set-desired", #"{"fan":"on"}"#)
        device.expectSuccess(desired)
        #expect(desired.standardOutput.contains(#""desired":{"$version":2,"fan":"on"}"#))
        #expect(await sdk.line(startingWith: "desired ") == #"desired {"$version": 2, "fan": "on"}"#)

        // Cloud to device.
        device.expectSuccess(try await simulator(device, "send", "sdk-device", "hello device"))
        #expect(await sdk.line(startingWith: "c2d ") == "c2d hello device")

        // A direct method: the handler's status and payload come back to `invoke`.
        let invoke = try await simulator(device, "invoke", "sdk-device", "reboot", #"{"delay":1}"#, "--timeout", "30")
        device.expectSuccess(invoke)
        #expect(invoke.standardOutput == #"{"status":201,"payload":{"method":"reboot","echo":{"delay":1}}}"# + "\n")
        #expect(await sdk.line(startingWith: "method ") == #"method reboot {"delay": 1}"#)

        // Nobody answers for a device that is not connected.
        let unanswered = try await simulator(device, "invoke", "absent-device", "reboot", "{}", "--timeout", "1")
        #expect(unanswered.status == .exited(1))
        #expect(unanswered.standardError.hasPrefix("Error: failed to invoke method 'reboot' on device absent-device"))
        #expect(unanswered.standardError.contains("Caused by:"))
    }

    @Test func anAzureDeviceMayNotSubscribeToAnotherDevicesTopics() async throws {
        let device = try await preparedDevice(id: "raw-device")
        let arguments = deviceArguments(device, id: "raw-device")
        let own = try await SDKDevice.run(
            script: "azure_raw_device.py", arguments: arguments + ["devices/raw-device/messages/devicebound/#"])
        #expect(own.standardOutput == "subscribed\n", "\(own.standardOutput)\(own.standardError)")
        let other = try await SDKDevice.run(
            script: "azure_raw_device.py", arguments: arguments + ["devices/other-device/messages/devicebound/#"])
        #expect(other.standardOutput == "closed\n", "\(other.standardOutput)\(other.standardError)")
        let log = try String(contentsOfFile: device.simulatorLog, encoding: .utf8)
        #expect(log.contains("subscribing to 'devices/other-device/messages/devicebound/#' is not allowed"))
    }

    @Test func awsSDKDeviceConnectsWithItsMetricsUsernameAndRoundTrips() async throws {
        let device = try await preparedDevice(id: "aws-sdk-device")
        let result = try await SDKDevice.run(script: "aws_device.py", arguments: deviceArguments(device, id: "aws-sdk-device"))
        #expect(result.standardOutput.contains(#"roundtrip {"hello":"aws"}"#), "\(result.standardOutput)\(result.standardError)")
        let log = try String(contentsOfFile: device.simulatorLog, encoding: .utf8)
        #expect(log.contains("auth: accepted aws-sdk-device"))
    }
}
