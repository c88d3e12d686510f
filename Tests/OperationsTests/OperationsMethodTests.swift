import TedgeProviderAPI
import Testing

@testable import TedgeOperations

/// Method calls through `OperationsStateMachine` with Azure's topics: handlers started and answered, refusals, the
/// bounds, the built-ins.
@Suite struct OperationsMethodTests {
    private func ok(_ stdout: String) -> HandlerOutcome { HandlerOutcome(.exited(0), standardOutput: Array(stdout.utf8)) }

    @Test func aHandlerIsStartedAndItsOutputAnswers() throws {
        let harness = OperationsHarness(handlers: ["reboot"])
        harness.call("reboot", rid: "1", #"{"delay":1}"#)
        let run = try #require(harness.takeStarted().first)
        #expect(run.executable == "/etc/tedge/operations/az/reboot")
        #expect(run.standardInput == Array(#"{"delay":1}"#.utf8))
        #expect(
            run.environment == [
                "PATH": "/usr/bin:/bin", "TEDGE_CLOUD": "az", "TEDGE_HANDLER": "method", "TEDGE_METHOD_NAME": "reboot",
                "TEDGE_REQUEST_ID": "1",
            ])
        #expect(run.deadline == harness.now + 30_000)
        #expect(harness.take().isEmpty)
        harness.finish(run, ok("{\"rebooting\": true}\n"))
        #expect(harness.take() == [#"az/methods/res/200/?$rid=1 {"rebooting":true}"#])
        #expect(harness.machine.runningCount == 0)
    }

    @Test func failuresAndTimeoutsAreAnswered() throws {
        let harness = OperationsHarness(handlers: ["fail", "slow"])
        harness.call("fail", rid: "2")
        harness.call("slow", rid: "3")
        let runs = harness.takeStarted()
        harness.finish(runs[0], HandlerOutcome(.exited(2), standardErrorTail: Array("disk full\n".utf8)))
        harness.finish(runs[1], HandlerOutcome(.timedOut))
        #expect(
            harness.take() == [
                #"az/methods/res/500/?$rid=2 {"message":"operations/az/fail exited with status 2","stderr":"disk full"}"#,
                #"az/methods/res/504/?$rid=3 {"message":"operations/az/slow did not finish within 30 s and was killed"}"#,
            ])
    }

    @Test func aMissingHandlerIs404() {
        let harness = OperationsHarness()
        harness.call("reboot", rid: "4")
        harness.call("notexec", rid: "5")
        harness.call("c2d", rid: "6")
        #expect(
            harness.take() == [
                #"az/methods/res/404/?$rid=4 {"message":"no handler for the method 'reboot': operations/az/reboot does not exist"}"#,
                #"az/methods/res/404/?$rid=5 {"message":"no handler for the method 'notexec': operations/az/notexec is not executable"}"#,
                #"az/methods/res/404/?$rid=6 {"message":"'c2d' is not a method: operations/az/c2d is reserved"}"#,
            ])
        #expect(harness.takeStarted().isEmpty)
    }

    /// Names that could leave the handler directory or reach a shell are refused before anything is looked up.
    @Test(arguments: [
        "..", "../../../bin/sh", "a/../../b", ".hidden", "reboot;id", "$(reboot)", "`id`", "a|b", "a b", "a\u{0}b",
        String(repeating: "n", count: 129),
    ])
    func hostileNamesAre400(name: String) {
        let harness = OperationsHarness(handlers: [name, "reboot"])
        harness.call(name, rid: "7")
        let answer = harness.take()
        #expect(answer.count == 1)
        #expect(answer.first?.hasPrefix("az/methods/res/400/?$rid=7 {\"message\":\"invalid method name '") == true)
        #expect(harness.takeStarted().isEmpty)
    }

    @Test func requestIDsThatCannotBeAnsweredAndRepeatedCallsRunNothing() {
        let harness = OperationsHarness(handlers: ["reboot"])
        harness.receive("az/methods/POST/reboot/?$rid=a%2Bb", "{}")
        harness.receive("az/methods/POST/reboot/?$rid=" + String(repeating: "9", count: 129), "{}")
        harness.receive("az/methods/POST/reboot/", "{}")
        #expect(harness.take().isEmpty && harness.takeStarted().isEmpty)
        #expect(harness.logLines.count == 3)
        harness.call("reboot", rid: "8")
        harness.call("reboot", rid: "8")
        #expect(harness.takeStarted().count == 1)
        #expect(harness.logLines.last == "the method call with request id 8 arrived again; ignored")
    }

    @Test func payloadsOverTheBoundAre413() {
        let harness = OperationsHarness(handlers: ["upload"])
        harness.call("upload", rid: "9", "\"" + String(repeating: "x", count: 128 * 1024) + "\"")
        harness.machine.receiveOversized(topic: "az/methods/POST/upload/?$rid=10", payloadBytes: 300_000, now: harness.now)
        harness.tick()
        #expect(
            harness.take() == [
                #"az/methods/res/413/?$rid=9 {"message":"the payload of 131074 bytes is larger than the 131072 bytes a handler is given"}"#,
                #"az/methods/res/413/?$rid=10 {"message":"the payload of 300000 bytes is larger than the 131072 bytes a handler is given"}"#,
            ])
        #expect(harness.takeStarted().isEmpty)
    }

    /// A flood: 4 running, 8 waiting, the rest answered 503 at once; every call is answered.
    @Test func aFloodIsBoundedAndEveryCallAnswered() {
        let harness = OperationsHarness(handlers: ["work"])
        for rid in 1...100 { harness.call("work", rid: String(rid)) }
        var running = harness.takeStarted()
        #expect(running.count == 4)
        let refused = harness.take()
        #expect(refused.count == 88)
        #expect(refused.allSatisfy { $0.hasPrefix("az/methods/res/503/") })
        #expect(
            refused.first?.hasSuffix(#"{"message":"too many calls: 4 handlers running and 8 waiting; try again later"}"#) == true)
        var answered = 0
        while let run = running.first {
            running.removeFirst()
            harness.finish(run, ok("1"))
            answered += harness.take().count
            running += harness.takeStarted()
            #expect(harness.machine.runningCount <= 4)
        }
        #expect(answered == 12)
    }

    @Test func aCallThatWaitsPastItsTimeLimitIs504() {
        let harness = OperationsHarness(handlers: ["work"], maxRunning: 1)
        harness.call("work", rid: "1")
        harness.tick(advancing: 10_000)
        harness.call("work", rid: "2")
        let first = harness.takeStarted()
        #expect(harness.machine.nextDeadline(after: harness.now) == harness.now + 30_000)
        harness.tick(advancing: 29_999)
        #expect(harness.take().isEmpty)
        harness.tick(advancing: 1)
        #expect(
            harness.take() == [#"az/methods/res/504/?$rid=2 {"message":"no handler slot was free within 30 s"}"#])
        harness.finish(first[0], ok("{}"))
        #expect(harness.takeStarted().isEmpty)
    }

    /// `restart` without a handler: a `te/` restart command, answered with its outcome.
    @Test func theBuiltInRestart() {
        let harness = OperationsHarness()
        harness.call("restart", rid: "r1")
        let command = harness.takeMessages()
        #expect(
            command == [
                MQTTMessage(
                    topic: "te/device/main///cmd/restart/az-mapper-101", text: #"{"status":"init"}"#, qos: .atLeastOnce,
                    retain: true)
            ])
        harness.receive("te/device/main///cmd/restart/az-mapper-101", #"{"status":"init"}"#)
        harness.receive("te/device/main///cmd/restart/az-mapper-101", #"{"status":"executing"}"#)
        #expect(harness.take().isEmpty)
        harness.receive("te/device/main///cmd/restart/az-mapper-101", #"{"status":"successful"}"#)
        #expect(
            harness.take() == [
                #"az/methods/res/200/?$rid=r1 {"status":"successful"}"#, "te/device/main///cmd/restart/az-mapper-101 ",
            ])

        harness.call("restart", rid: "r2")
        harness.call("restart", rid: "r3")
        _ = harness.take()
        harness.receive("te/device/main///cmd/restart/az-mapper-102", #"{"status":"failed","reason":"not allowed"}"#)
        harness.receive("te/device/main///cmd/restart/az-mapper-103", #"{"status":"restarting"}"#)
        #expect(
            harness.take() == [
                #"az/methods/res/500/?$rid=r2 {"status":"failed","reason":"not allowed"}"#,
                "te/device/main///cmd/restart/az-mapper-102 ", #"az/methods/res/202/?$rid=r3 {"status":"restarting"}"#,
            ])
        // Someone else's command is not ours to clear.
        harness.receive("te/device/main///cmd/restart/c8y-mapper-7", #"{"status":"successful"}"#)
        #expect(harness.take().isEmpty)
    }

    @Test func aRestartNobodyTakesIsWithdrawn() {
        let harness = OperationsHarness()
        harness.call("restart", rid: "r4")
        harness.call("restart", rid: "r5")
        _ = harness.take()
        harness.receive("te/device/main///cmd/restart/az-mapper-102", #"{"status":"executing"}"#)
        harness.tick(advancing: 30_000)
        #expect(
            Set(harness.take()) == [
                #"az/methods/res/504/?$rid=r4 {"message":"nobody took the restart command te/device/main///cmd/restart/az-mapper-101 within 30 s; it was withdrawn"}"#,
                "te/device/main///cmd/restart/az-mapper-101 ", #"az/methods/res/202/?$rid=r5 {"status":"executing"}"#,
            ])
    }

    @Test func aRestartHandlerOverridesTheBuiltIn() {
        let harness = OperationsHarness(handlers: ["restart"])
        harness.call("restart", rid: "r6")
        #expect(harness.takeStarted().map(\.executable) == ["/etc/tedge/operations/az/restart"])
        #expect(harness.take().isEmpty)
    }

    /// `health`: every service of this device, from their retained health.
    @Test func theBuiltInHealth() {
        let harness = OperationsHarness()
        harness.receive("te/device/main/service/tedge-mapper-az/status/health", #"{"pid":12,"status":"up","time":1.5}"#)
        harness.receive("te/device/main/service/mosquitto-az-bridge/status/health", "1")
        harness.receive("te/device/main/service/gone/status/health", #"{"status":"up"}"#)
        harness.receive("te/device/main/service/gone/status/health", "")
        harness.receive("te/device/child1/service/app/status/health", #"{"status":"up"}"#)
        harness.receive("te/device/main/service/odd/status/health", "not json")
        harness.call("health", rid: "h1")
        #expect(
            harness.take() == [
                #"az/methods/res/200/?$rid=h1 {"mosquitto-az-bridge":{"status":"up"},"odd":{"status":"unknown"},"tedge-mapper-az":{"pid":12,"status":"up","time":1.5}}"#
            ])
    }
}
