import Foundation
import TedgeMosquitto
import TedgeProviderAPI
import TedgeRuntime
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
            try "[mqtt]\nport = \(broker.port)\n".write(toFile: directory + "/tedge.toml", atomically: true, encoding: .utf8)
            mapperLink = Binaries.mapper
        }

        var log: String { broker.directory + "/mapper.log" }

        func startMapper(_ cloud: String = "az") async throws {
            mapper = try ChildProcess.spawn([mapperLink, "--config-dir", directory, cloud], standardOutput: log, standardError: log)
            try await waitForLog("connected to the local broker", count: 1)
        }

        func waitForLog(_ text: String, count: Int) async throws {
            for _ in 0..<200 {
                let content = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                if content.components(separatedBy: text).count - 1 >= count { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw TedgeError("mapper log never showed '\(text)' \(count) times: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }

        func publish(_ client: MQTTClient, _ topic: String, _ payload: String) async throws {
            let mid = try client.publish(MQTTMessage(topic: topic, text: payload, qos: .atLeastOnce))
            try await client.waitForDelivery(of: mid, timeout: .seconds(10))
        }

        deinit { mapper?.stop() }
    }

    @Test func convertsAndReportsErrors() async throws {
        let setup = try await Setup()
        let (observer, inbox) = try await setup.broker.client(subscribing: ["az/messages/events/#", "tedge/errors", "tedge/health/#"])
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
        #expect(error?.text?.hasPrefix("Invalid JSON: invalid type: string \"hot\", expected ThinEdge single or multi-value measurement") == true)
        #expect(setup.mapper?.wait(timeout: .zero) == nil, "the mapper keeps running")

        // A second instance is refused.
        let second = try ChildProcess.run([setup.mapperLink, "--config-dir", setup.directory, "az"])
        #expect(second.status == .exited(1))
        #expect(second.standardError.contains("Couldn't acquire file lock."))

        // SIGTERM: a clean stop that leaves "down" as the retained health.
        setup.mapper?.signal(SIGTERM)
        #expect(setup.mapper?.wait(timeout: .seconds(10)) == .exited(0))
        let down = await inbox.next(timeout: .seconds(5))
        #expect(down?.text?.contains("\"status\":\"down\"") == true)
    }

    @Test func messagesPublishedWhileTheMapperIsDownArrive() async throws {
        let setup = try await Setup()
        let (observer, inbox) = try await setup.broker.client(subscribing: ["az/messages/events/#"])
        defer { observer.disconnect() }
        try await setup.startMapper()
        setup.mapper?.signal(SIGKILL)
        setup.mapper?.wait(timeout: .seconds(5))

        let (publisher, _) = try await setup.broker.client()
        for number in 1...20 { try await setup.publish(publisher, "tedge/measurements", "{\"n\": \(number)}") }
        try await setup.startMapper()
        var received: [String] = []
        while received.count < 20, let message = await inbox.next(timeout: .seconds(10)) { received.append(message.text ?? "") }
        #expect(received.count == 20)
        #expect(received.first?.hasPrefix("{\"n\":1.0,") == true)
    }

    @Test func resubscribesAfterTheBrokerRestarts() async throws {
        let setup = try await Setup(persistent: false)
        try await setup.startMapper()
        try await setup.broker.restart()
        try await setup.waitForLog("connected to the local broker", count: 2)
        let (observer, inbox) = try await setup.broker.client(subscribing: ["az/messages/events/#"])
        defer { observer.disconnect() }
        let (publisher, _) = try await setup.broker.client()
        await MapperHealth(serviceName: "tedge-mapper-az").expectUp(port: setup.broker.port)
        try await setup.publish(publisher, "tedge/measurements", #"{"after": 1}"#)
        let converted = await inbox.next(timeout: .seconds(10))
        #expect(converted?.text?.hasPrefix(#"{"after":1.0,"time":""#) == true)
    }

    @Test func cumulocityMapperAnnouncesOperationsAndRegistersChildren() async throws {
        let setup = try await Setup()
        try FileManager.default.createDirectory(atPath: setup.directory + "/operations/c8y", withIntermediateDirectories: true)
        for operation in ["c8y_Restart", "c8y_SoftwareUpdate"] {
            FileManager.default.createFile(atPath: setup.directory + "/operations/c8y/" + operation, contents: Data())
        }
        let (observer, inbox) = try await setup.broker.client(subscribing: ["c8y/#"])
        defer { observer.disconnect() }
        try await setup.startMapper("c8y")
        #expect(await inbox.next(timeout: .seconds(5))?.text == "114,c8y_Restart,c8y_SoftwareUpdate\n")
        let (publisher, _) = try await setup.broker.client()
        try await setup.publish(publisher, "tedge/measurements/child1", #"{"temp": 1, "time": "2021-11-16T17:45:40.571760714+01:00"}"#)
        #expect(await inbox.next(timeout: .seconds(5))?.text == "101,child1,child1,thin-edge.io-child")
        let measurement = await inbox.next(timeout: .seconds(5))
        #expect(measurement?.topic == "c8y/measurement/measurements/create")
        #expect(measurement?.text == #"{"type":"ThinEdgeMeasurement","externalSource":{"externalId":"child1","type":"c8y_Serial"},"temp":{"temp":{"value":1.0}},"time":"2021-11-16T17:45:40.571760714+01:00"}"#)
        try await setup.publish(publisher, "tedge/alarms/critical/temperature_high", #"{"text": "Too hot", "time": "2021-04-23T19:00:00+05:00"}"#)
        #expect(await inbox.next(timeout: .seconds(5))?.text == #"301,temperature_high,"Too hot",2021-04-23T19:00:00+05:00"#)
    }
}
