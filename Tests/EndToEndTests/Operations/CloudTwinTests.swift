import Foundation
import TedgeMosquitto
import TedgeProviderAPI
import TedgeRuntime
import Testing

/// The twin both ways and cloud-to-device messages end to end, through the mosquitto bridge: desired properties
/// from `tedge-cloud-sim twin --desired` to their local retained topic and their handler, twin fragments published
/// locally to the hub's reported properties, `tedge-cloud-sim send` to the `c2d` handler.
@Suite(.serialized) struct CloudTwinTests {
    @Test(arguments: [false, true]) func desiredAndReportedProperties(builtInBridge: Bool) async throws {
        let device = try await OperationsDevice(builtInBridge: builtInBridge)
        try device.handler(
            "desired/fan",
            "#!/bin/sh\ncat > \(device.output)/fan.value\necho \"$TEDGE_DESIRED_VERSION\" > \(device.output)/fan.version\n")
        // Set before the device connects: the twin read at connect brings it.
        device.device.expectSuccess(
            try await device.device.simulatorCommand("twin", "my-device", "--desired", #"{"interval":30}"#))
        try await device.connect()
        let (local, desired) = try await device.device.localClient(subscribing: ["az/twin/desired/+"])
        defer { local.disconnect() }
        let interval = await desired.next(timeout: .seconds(20))
        #expect(interval?.topic == "az/twin/desired/interval" && interval?.text == "30")

        // A change pushed by the hub: its retained topic, and its handler with the value on stdin.
        device.device.expectSuccess(try await device.device.simulatorCommand("twin", "my-device", "--desired", #"{"fan":"on"}"#))
        #expect(await device.waitFor("fan.value") == #""on""#)
        #expect(await device.waitFor("fan.version") == "3\n")
        let fan = await desired.next(timeout: .seconds(10))
        #expect(fan?.topic == "az/twin/desired/fan" && fan?.text == #""on""#)

        // A twin fragment published locally becomes a reported property in the hub.
        device.device.expectSuccess(
            try await device.device.tedge("mqtt", "pub", "-r", "-q", "1", "te/device/main///twin/firmware", #"{"version":"1.2"}"#)
        )
        let reported = try await device.simulatorOutput(
            "twin", "my-device", "--reported", containing: #""firmware":{"version":"1.2"}"#)
        #expect(reported.contains(#""firmware":{"version":"1.2"}"#), "\(reported)")

        // The bridge reconnects after the hub restarts: the mapper reads the twin again (the bridge's notification).
        let reads = Self.twinReads(device)
        try await device.device.restartSimulator(downtime: .milliseconds(500))
        var after = reads
        for _ in 0..<300 where after <= reads {
            try await Task.sleep(for: .milliseconds(100))
            after = Self.twinReads(device)
        }
        #expect(after > reads, "no twin read after the bridge reconnected")
    }

    /// Twin reads the simulated hub answered (the connection check's included).
    static func twinReads(_ device: OperationsDevice) -> Int {
        let log = (try? String(contentsOfFile: device.device.simulatorLog, encoding: .utf8)) ?? ""
        return log.components(separatedBy: "answered GET").count - 1
    }

    @Test(arguments: [false, true]) func cloudToDeviceMessagesReachTheirHandler(builtInBridge: Bool) async throws {
        let device = try await OperationsDevice(builtInBridge: builtInBridge)
        try device.handler(
            "c2d",
            """
            #!/bin/sh
            cat > \(device.output)/c2d.payload
            printf '%s\\n%s\\n' "$TEDGE_MESSAGE_PROPERTIES" "$TEDGE_PROPERTY_COLOUR" > \(device.output)/c2d.properties
            """)
        try await device.connect()
        let (local, downlink) = try await device.device.localClient(subscribing: ["az/messages/devicebound/#"])
        defer { local.disconnect() }
        let to = "%2Fdevices%2Fmy-device%2Fmessages%2FdeviceBound"
        device.device.expectSuccess(
            try await device.device.simulatorCommand(
                "publish", "devices/my-device/messages/devicebound/%24.to=\(to)&colour=dark%20red", "hello device"))
        // Published locally as before, and handed to the handler with its properties decoded.
        let message = await downlink.next(timeout: .seconds(15))
        #expect(message?.topic == "az/messages/devicebound/%24.to=\(to)&colour=dark%20red" && message?.text == "hello device")
        #expect(await device.waitFor("c2d.payload") == "hello device")
        #expect(
            await device.waitFor("c2d.properties")
                == #"{"$.to":"/devices/my-device/messages/deviceBound","colour":"dark red"}"# + "\ndark red\n")
    }
}
