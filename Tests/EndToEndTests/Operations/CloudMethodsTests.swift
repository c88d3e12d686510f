import Foundation
import TedgeMosquitto
import TedgeProviderAPI
import TedgeRuntime
import TedgeTestSupport
import Testing

/// Direct methods end to end: `tedge-cloud-sim invoke` (IoT Hub's service side) → the simulator → the mosquitto
/// bridge → `tedge-mapper az` → a handler in operations/az/ → the answer back, with its status.
@Suite(.serialized) struct CloudMethodsTests {
    @Test(arguments: [false, true]) func handlersAnswerFailAreMissingOrTooSlow(builtInBridge: Bool) async throws {
        let device = try await OperationsDevice(
            builtInBridge: builtInBridge,
            timeoutSeconds: 3,
            handlers: [
                "echo": """
                #!/bin/sh
                printf '{"in":%s,"name":"%s","rid":"%s","uid":%s}' "$(cat)" "$TEDGE_METHOD_NAME" "$TEDGE_REQUEST_ID" "$(id -u)"
                """,
                "text": "#!/bin/sh\necho 'rebooting in 5 s'\n",
                "fail": "#!/bin/sh\necho 'checking disk' >&2\necho 'disk full' >&2\nexit 3\n",
            ])
        let pids = device.output + "/slow.pids"
        try device.handler("slow", "#!/bin/sh\nsleep 300 &\necho $$ $! > \(pids)\nsleep 300\n")
        try await device.connect()

        let echo = try await device.invoke("echo", #"{"delay":1}"#)
        #expect(echo.status == 200)
        let uid = getuid() == 0 ? "65534" : String(getuid())
        #expect(
            echo.payload.hasPrefix(#"{"in":{"delay":1},"name":"echo","rid":""#) && echo.payload.hasSuffix(#"","uid":\#(uid)}"#))
        #expect(try await device.invoke("text") == (200, #""rebooting in 5 s""#))
        #expect(
            try await device.invoke("fail") == (
                500, #"{"message":"operations/az/fail exited with status 3","stderr":"checking disk\ndisk full"}"#
            ))
        #expect(
            try await device.invoke("missing")
                == (404, #"{"message":"no handler for the method 'missing': operations/az/missing does not exist"}"#))

        // Past operations.timeout (3 s) the handler and what it started are killed, and the call answered 504.
        #expect(
            try await device.invoke("slow") == (
                504, #"{"message":"operations/az/slow did not finish within 3 s and was killed"}"#
            ))
        let started = (device.read("slow.pids") ?? "").split(separator: " ").compactMap {
            Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(started.count == 2)
        for pid in started {
            for _ in 0..<100 where ProcessLiveness.isAlive(pid) { try await Task.sleep(for: .milliseconds(20)) }
            #expect(!ProcessLiveness.isAlive(pid), "pid \(pid) still runs")
        }

        // The hub's own timeout, shorter than the handler: 504 from the service side, as IoT Hub answers.
        let hubTimeout = try await device.device.simulatorCommand("invoke", "my-device", "slow", "{}", "--timeout", "1")
        #expect(hubTimeout.status == .exited(1))
        #expect(
            hubTimeout.standardOutput
                == #"{"status":504,"payload":{"errorCode":504101,"message":"Timed out waiting for the response from device."}}"#
                + "\n")
    }

    /// `restart` with no handler: a `te/` restart command, answered with its outcome (here from a stand-in agent);
    /// `health`: every service of the device.
    @Test(arguments: [false, true]) func theBuiltInRestartAndHealth(builtInBridge: Bool) async throws {
        let device = try await OperationsDevice(builtInBridge: builtInBridge)
        try await device.connect()
        let (agent, commands) = try await device.device.localClient(subscribing: ["te/device/main///cmd/restart/+"])
        defer { agent.disconnect() }
        let invoked = Task { try await device.invoke("restart") }
        var commandTopic: String?
        while let command = await commands.next(timeout: .seconds(15)) {
            guard command.text == #"{"status":"init"}"# else { continue }
            commandTopic = command.topic
            _ = try agent.publish(
                MQTTMessage(topic: command.topic, text: #"{"status":"executing"}"#, qos: .atLeastOnce, retain: true))
            _ = try agent.publish(
                MQTTMessage(topic: command.topic, text: #"{"status":"successful"}"#, qos: .atLeastOnce, retain: true))
            break
        }
        #expect(commandTopic?.hasPrefix("te/device/main///cmd/restart/az-mapper-") == true)
        let answer = try await invoked.value
        #expect(answer == (200, #"{"status":"successful"}"#), "\(answer)\n\(device.mapperLog)")
        // The mapper cleared the command it created once it was over.
        let remaining = try await device.device.tedge(
            "mqtt", "sub", "te/device/main///cmd/restart/+", "--retained-only")
        #expect(!remaining.standardOutput.contains("az-mapper-"))

        let health = try await device.invoke("health")
        #expect(health.status == 200)
        #expect(health.payload.contains(#""\#(device.linkService)":{"#), "\(health.payload)")
        #expect(health.payload.contains(#""tedge-mapper-az":{"pid":"#), "\(health.payload)")
    }

    /// Names that could leave operations/az/ or reach a shell, huge payloads and a flood: refused or bounded, every
    /// call answered, nothing outside operations/az/ run.
    @Test(arguments: [false, true]) func hostileCallsAreRefusedOrBounded(builtInBridge: Bool) async throws {
        let device = try await OperationsDevice(
            builtInBridge: builtInBridge, handlers: ["work": "#!/bin/sh\nsleep 2\necho '{\"done\":true}'\n"])
        let marker = device.output + "/escaped"
        // Executables just outside operations/az/ that must never run.
        let outside = "#!/bin/sh\ntouch \(marker)\n"
        try outside.write(toFile: device.device.configDirectory + "/operations/evil", atomically: true, encoding: .utf8)
        chmod(device.device.configDirectory + "/operations/evil", 0o755)
        // `../../evil` from operations/az/ is the configuration directory's own `evil`.
        try outside.write(toFile: device.device.configDirectory + "/evil", atomically: true, encoding: .utf8)
        chmod(device.device.configDirectory + "/evil", 0o755)
        try await device.connect()
        let (cloud, answers) = try await device.device.cloudClient(subscribing: ["devices/my-device/$iothub/methods/res/#"])
        defer { cloud.disconnect() }
        func call(_ name: String, rid: String, _ payload: String = "{}") throws {
            _ = try cloud.publish(
                MQTTMessage(
                    topic: "devices/my-device/$iothub/methods/POST/\(name)/?$rid=\(rid)", text: payload, qos: .atLeastOnce))
        }
        let hostile = [
            "../evil", "../../evil", "..", ".", "work;touch%20x", "$(touch x)", "a|b", "`id`", String(repeating: "w", count: 200),
        ]
        for (index, name) in hostile.enumerated() { try call(name, rid: "h\(index)") }
        try call("work", rid: "big", "\"" + String(repeating: "x", count: 200_000) + "\"")
        var statuses: [String: Int] = [:]
        while statuses.count < hostile.count + 1, let answer = await answers.next(timeout: .seconds(20)) {
            // devices/my-device/$iothub/methods/res/<status>/?$rid=<rid>
            let parts = answer.topic.split(separator: "/")
            if let status = Int(parts[5]), let rid = parts.last?.split(separator: "=").last { statuses[String(rid)] = status }
        }
        #expect(statuses["big"] == 413)
        for index in hostile.indices { #expect(statuses["h\(index)"] == 400, "\(hostile[index])") }

        // A flood of 60 calls of a 2-second handler: 4 run, 8 wait, the rest are answered 503 at once; all answered.
        for index in 0..<60 { try call("work", rid: "f\(index)") }
        var flood: [Int] = []
        while flood.count < 60, let answer = await answers.next(timeout: .seconds(30)) {
            if answer.topic.contains("$rid=f"), let status = Int(answer.topic.split(separator: "/")[5]) { flood.append(status) }
        }
        #expect(flood.count == 60)
        #expect(flood.filter { $0 == 200 }.count >= 4 && flood.filter { $0 == 200 }.count <= 12, "\(flood)")
        #expect(flood.allSatisfy { $0 == 200 || $0 == 503 })
        #expect(access(marker, F_OK) != 0, "a handler outside operations/az/ ran")
        #expect(FileManager.default.fileExists(atPath: device.device.configDirectory + "/x") == false)
        // A shell would run `touch x` where the mapper runs: the directory the services were started from.
        #expect(FileManager.default.fileExists(atPath: FileManager.default.currentDirectoryPath + "/x") == false)
    }
}
