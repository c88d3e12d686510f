import Foundation
import TedgeMosquitto
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem
import TedgeTestSupport
import Testing

/// `tedge-mapper az` and `tedge-mapper c8y` against a real mosquitto.
@Suite(.serialized) struct MapperTests {
    final class Setup: @unchecked Sendable {
        let broker: TestBroker
        let directory: String
        let mapperLink: String
        var mapper: ChildProcess?

        init(persistent: Bool = true) async throws {
            broker = try await TestBroker(persistent: persistent)
            directory = broker.directory + "/etc"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            // These tests watch the legacy flow: the mapper's own te/ health, which Azure forwards like any
            // service's (TeTopicsTests), would interleave with what they publish.
            try "[mqtt]\nport = \(broker.port)\n[az]\ntopics = \"\(Binaries.teTopicsWithoutHealth)\"\n".write(
                toFile: directory + "/tedge.toml", atomically: true, encoding: .utf8)
            mapperLink = Binaries.mapper
        }

        var log: String { broker.directory + "/mapper.log" }

        /// Starts the mapper and returns once it is ready: its retained health says `up` with its pid,
        /// which it publishes only after the broker acknowledged its subscriptions.
        func startMapper(_ cloud: String = "az", extraArguments: [String] = [], waitUntilReady: Bool = true) async throws {
            let process = try ChildProcess.spawn(
                [mapperLink, "--config-dir", directory] + extraArguments + [cloud],
                standardOutput: log, standardError: log)
            mapper = process
            if waitUntilReady { try await waitUntilUp(cloud, pid: process.pid) }
        }

        func waitUntilUp(_ cloud: String = "az", pid: pid_t, timeout: Duration = .seconds(15)) async throws {
            let health = MapperHealth(serviceName: "tedge-mapper-\(cloud)")
            if await health.waitUntilUp(port: broker.port, timeout: timeout, pid: pid) { return }
            throw TedgeError("tedge-mapper-\(cloud) (pid \(pid)) never said it is up: \(try logText())")
        }

        func logText() throws -> String { try String(contentsOfFile: log, encoding: .utf8) }

        func waitForLog(_ text: String, count: Int) async throws {
            for _ in 0..<300 {
                if try logText().components(separatedBy: text).count - 1 >= count { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw TedgeError("mapper log never showed '\(text)' \(count) times: \(try logText())")
        }

        func publish(_ client: MQTTClient, _ topic: String, _ payload: String) async throws {
            let mid = try client.publish(MQTTMessage(topic: topic, text: payload, qos: .atLeastOnce))
            try await client.waitForDelivery(of: mid, timeout: .seconds(10))
        }

        deinit { mapper?.stop() }
    }

    @Test func convertsAndReportsErrors() async throws {
        let setup = try await Setup()
        let (observer, inbox) = try await setup.broker.client(subscribing: [
            "az/messages/events/#", "tedge/errors", "tedge/health/#",
        ])
        defer { observer.disconnect() }
        try await setup.startMapper()
        let health = await inbox.next(timeout: .seconds(5))
        #expect(health?.topic == "tedge/health/tedge-mapper-az")
        #expect(health?.text?.contains("\"status\":\"up\"") == true)

        let (publisher, _) = try await setup.broker.client()
        try await setup.publish(publisher, "tedge/measurements", #"{"temperature": 23, "time": "2021-04-08T00:00:00+05:00"}"#)
        let converted = await inbox.next(timeout: .seconds(5))
        #expect(converted?.topic == "az/messages/events/$.ct=application%2Fjson&$.ce=utf-8")
        #expect(converted?.text == #"{"temperature":23.0,"time":"2021-04-08T00:00:00+05:00"}"#)

        try await setup.publish(publisher, "tedge/measurements", #"{"temperature": "hot"}"#)
        let error = await inbox.next(timeout: .seconds(5))
        #expect(error?.topic == "tedge/errors")
        #expect(
            error?.text?.hasPrefix(
                "Invalid JSON: invalid type: string \"hot\", expected ThinEdge single or multi-value measurement") == true)
        #expect(await setup.mapper?.wait(timeout: .zero) == nil, "the mapper keeps running")

        // A second instance is refused.
        let second = try await ChildProcess.run([setup.mapperLink, "--config-dir", setup.directory, "az"])
        #expect(second.status == .exited(1))
        #expect(second.standardError.contains("Couldn't acquire file lock."))

        // SIGTERM: a clean stop that leaves "down" as the retained health.
        setup.mapper?.signal(SIGTERM)
        #expect(await setup.mapper?.wait(timeout: .seconds(10)) == .exited(0))
        let down = await inbox.next(timeout: .seconds(5))
        #expect(down?.text?.contains("\"status\":\"down\"") == true)
    }

    @Test func messagesPublishedWhileTheMapperIsDownArrive() async throws {
        let setup = try await Setup()
        let (observer, inbox) = try await setup.broker.client(subscribing: ["az/messages/events/#"])
        defer { observer.disconnect() }
        try await setup.startMapper()
        setup.mapper?.signal(SIGKILL)
        #expect(await setup.mapper?.wait(timeout: .seconds(5)) == .signalled(SIGKILL))

        let (publisher, _) = try await setup.broker.client()
        for number in 1...20 { try await setup.publish(publisher, "tedge/measurements", "{\"n\": \(number)}") }
        try await setup.startMapper()
        var numbers: [Int] = []
        while Set(numbers).count < 20, let message = await inbox.next(timeout: .seconds(10)) {
            numbers.append(try #require(Self.number(in: message)))
        }
        #expect(Set(numbers) == Set(1...20), "missing: \(Set(1...20).subtracting(numbers).sorted())")
        print("mapper: 20 published while down, \(numbers.count - Set(numbers).count) duplicates")
    }

    @Test func resubscribesAfterTheBrokerRestarts() async throws {
        let setup = try await Setup(persistent: false)
        try await setup.startMapper()
        try await setup.broker.restart()
        try await setup.waitUntilUp(pid: try #require(setup.mapper?.pid))
        let (observer, inbox) = try await setup.broker.client(subscribing: ["az/messages/events/#"])
        defer { observer.disconnect() }
        let (publisher, _) = try await setup.broker.client()
        try await setup.publish(publisher, "tedge/measurements", #"{"after": 1}"#)
        let converted = await inbox.next(timeout: .seconds(10))
        #expect(converted?.text?.hasPrefix(#"{"after":1.0,"time":""#) == true)
    }

    /// A hung broker (SIGSTOP: the socket stays open, nothing answers) is found by the keep-alive
    /// (no packet for 1.5 × keep-alive), and the mapper resumes when the broker answers again.
    @Test func aBrokerThatStopsAnsweringIsDetectedAndTheMapperResumes() async throws {
        let setup = try await Setup()
        try await setup.startMapper(extraArguments: ["--keep-alive", "1"])
        let brokerPID = try #require(setup.broker.pid)
        kill(brokerPID, SIGSTOP)
        defer { kill(brokerPID, SIGCONT) }
        // Keep-alive 1 s: a session silent for 1.5 × keep-alive (1,500 ms) is taken for a dead broker.
        try await setup.waitForLog("nothing received for 1500 ms", count: 1)
        kill(brokerPID, SIGCONT)
        try await setup.waitUntilUp(pid: try #require(setup.mapper?.pid))
        let (observer, inbox) = try await setup.broker.client(subscribing: ["az/messages/events/#"])
        defer { observer.disconnect() }
        let (publisher, _) = try await setup.broker.client()
        try await setup.publish(publisher, "tedge/measurements", #"{"resumed": 1}"#)
        #expect(await inbox.next(timeout: .seconds(10))?.text?.hasPrefix(#"{"resumed":1.0,"#) == true)
    }

    /// At boot the mapper may start before mosquitto listens: it keeps trying, says why once per
    /// reason, and connects as soon as the broker is there.
    @Test func aMapperStartedBeforeItsBrokerConnectsWhenTheBrokerListens() async throws {
        let setup = try await Setup()
        setup.broker.stop()
        try await setup.startMapper(waitUntilReady: false)
        try await setup.waitForLog("cannot connect to", count: 1)
        try await Task.sleep(for: .seconds(2))  // several retries happen meanwhile
        let log = try setup.logText()
        #expect(log.components(separatedBy: "cannot connect to").count - 1 == 1, "one line per reason, not one per try: \(log)")
        try await setup.broker.start()
        try await setup.waitUntilUp(pid: try #require(setup.mapper?.pid))
    }

    /// `{"n": 7}` converted (`{"n":7.0,"time":…}`) gives 7.
    static func number(in message: MQTTMessage) -> Int? {
        guard let text = message.text, let range = text.range(of: "\"n\":") else { return nil }
        return Double(text[range.upperBound...].prefix { "0123456789.".contains($0) }).map { Int($0) }
    }

    @Test func cumulocityMapperAnnouncesOperationsAndRegistersChildren() async throws {
        let setup = try await Setup()
        try FileManager.default.createDirectory(atPath: setup.directory + "/operations/c8y", withIntermediateDirectories: true)
        for operation in ["c8y_Restart", "c8y_SoftwareUpdate"] {
            #expect(FileManager.default.createFile(atPath: setup.directory + "/operations/c8y/" + operation, contents: Data()))
        }
        let (observer, inbox) = try await setup.broker.client(subscribing: ["c8y/#"])
        defer { observer.disconnect() }
        try await setup.startMapper("c8y")
        #expect(await inbox.next(timeout: .seconds(5))?.text == "114,c8y_Restart,c8y_SoftwareUpdate\n")
        let (publisher, _) = try await setup.broker.client()
        try await setup.publish(
            publisher, "tedge/measurements/child1", #"{"temp": 1, "time": "2021-11-16T17:45:40.571760714+01:00"}"#)
        #expect(await inbox.next(timeout: .seconds(5))?.text == "101,child1,child1,thin-edge.io-child")
        let measurement = await inbox.next(timeout: .seconds(5))
        #expect(measurement?.topic == "c8y/measurement/measurements/create")
        #expect(
            measurement?.text
                == #"{"type":"ThinEdgeMeasurement","externalSource":{"externalId":"child1","type":"c8y_Serial"},"temp":{"temp":{"value":1.0}},"time":"2021-11-16T17:45:40.571760714+01:00"}"#
        )
        try await setup.publish(
            publisher, "tedge/alarms/critical/temperature_high", #"{"text": "Too hot", "time": "2021-04-23T19:00:00+05:00"}"#)
        #expect(await inbox.next(timeout: .seconds(5))?.text == #"301,temperature_high,"Too hot",2021-04-23T19:00:00+05:00"#)
    }

    /// A flow's `onInterval` runs on time in the mapper's loop, with no input arriving: the user-defined example cloud
    /// plus a flow whose Lua step counts its ticks.
    @Test func flowIntervalsRunOnTimeWithNoInputArriving() async throws {
        let setup = try await Setup()
        let mapperDirectory = setup.directory + "/mappers/thingsboard"
        try FileManager.default.createDirectory(atPath: setup.directory + "/mappers", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Binaries.packageRoot + "/Examples/UserDefinedCloud/thingsboard", toPath: mapperDirectory)
        try "input.mqtt.topics = [\"ticker/in\"]\nsteps = [{ script = \"ticker.lua\", interval = \"1s\" }]\n".write(
            toFile: mapperDirectory + "/flows/ticker.toml", atomically: true, encoding: .utf8)
        try """
        function onMessage(message, context) return nil end
        function onInterval(time, context)
            local ticks = (context.script:get("ticks") or 0) + 1
            context.script:set("ticks", ticks)
            return { topic = "ticker/out", payload = string.format("%d", ticks) }
        end
        """.write(toFile: mapperDirectory + "/flows/ticker.lua", atomically: true, encoding: .utf8)
        let (observer, inbox) = try await setup.broker.client(subscribing: ["ticker/out"])
        defer { observer.disconnect() }
        try await setup.startMapper("thingsboard")
        // Nothing is published to the mapper: each tick is the loop's own doing.
        #expect(await inbox.next(timeout: .seconds(10))?.text == "1")
        #expect(await inbox.next(timeout: .seconds(10))?.text == "2")
        #expect(await inbox.next(timeout: .seconds(10))?.text == "3")
    }
}
