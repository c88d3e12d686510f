import Foundation
import Synchronization
import TedgeMosquitto
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem
import TedgeTestSupport
import Testing

/// Nothing lost: a numbered stream of QoS 1 measurements goes through mapper and bridge while the
/// cloud goes away three times, the mapper is killed once, and the local broker restarts once.
/// Guarantee checked: at least once (every number arrives); duplicates are counted and printed.
/// Both tests run in both bridge modes: mosquitto's bridge (`mqtt.bridge.built_in` false) and the built-in one.
@Suite(.serialized) struct SoakTests {
    @Test(arguments: [false, true]) func everyMeasurementArrivesThroughOutages(builtIn: Bool) async throws {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepareAzure()
        if builtIn { try await device.useBuiltInBridge() }
        device.expectSuccess(try await device.tedge("connect", "az"))
        let mode = builtIn ? "built-in bridge" : "mosquitto bridge"

        // A persistent observer in the cloud: it gets what arrived while the simulator was restarting.
        let (observer, collected, arrivals) = try await Collected.observe(
            port: device.simulatorBackendPort, clientID: "soak-observer", filter: "devices/my-device/messages/events/#")

        let total = 1_200
        let producer = try MQTTClient(
            .init(host: "127.0.0.1", port: device.mqttPort, clientID: "soak-producer", cleanSession: false))
        try producer.start()
        try await producer.waitUntilConnected(timeout: .seconds(10))
        let production = Task {
            // An application's view: retry until the local broker has acknowledged each number.
            for number in 1...total {
                while true {
                    do {
                        let mid = try producer.publish(
                            MQTTMessage(topic: "tedge/measurements", text: "{\"n\": \(number)}", qos: .atLeastOnce))
                        try await producer.waitForDelivery(of: mid, timeout: .seconds(10))
                        break
                    } catch {
                        try await Task.sleep(for: .milliseconds(200))
                    }
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }

        var events: [String] = []
        let started = ContinuousClock.now
        func note(_ text: String) { events.append("\(ContinuousClock.now - started): \(text)") }
        for round in 1...3 {
            try await Task.sleep(for: .seconds(4))
            note("cloud down (\(round))")
            try await device.restartSimulator(downtime: .seconds(3))
            note("cloud up (\(round))")
            if round == 1 {
                try await Task.sleep(for: .seconds(2))
                let killed = try #require(device.pid(of: "tedge-mapper-az"), "the mapper runs before the SIGKILL")
                kill(killed, SIGKILL)
                note("mapper killed")
                try await Task.sleep(for: .seconds(1))
                device.expectSuccess(
                    try await ChildProcess.run(
                        [Binaries.script("local-init"), device.initState, "restart", "tedge-mapper-az"],
                        environment: device.environment))
                let restarted = try #require(device.pid(of: "tedge-mapper-az"), "a new mapper runs after the restart")
                #expect(restarted != killed)
                note("mapper restarted")
            }
            if round == 2 {
                try await Task.sleep(for: .seconds(2))
                device.expectSuccess(
                    try await ChildProcess.run(
                        [Binaries.script("local-init"), device.initState, "restart", "mosquitto"], environment: device.environment
                    ))
                note("local broker restarted")
            }
        }
        try await production.value
        note("all \(total) published")

        // Wait for the stream to drain to the cloud (bounded; what is missing then is reported below).
        var waited = 0
        while Set(collected.numbers).count < total, waited < 120 {
            try await Task.sleep(for: .seconds(1))
            waited += 1
        }
        observer.disconnect()
        await arrivals.value
        let received = collected.numbers
        let unique = Set(received)
        let missing = (1...total).filter { !unique.contains($0) }
        let duplicates = received.count - unique.count
        print(
            "soak (\(mode)): \(total) published, \(received.count) received, \(unique.count) distinct, \(duplicates) duplicates, \(missing.count) missing"
        )
        for event in events { print("soak (\(mode)): \(event)") }
        #expect(missing.isEmpty, "missing: \(missing.prefix(50))")
        if !missing.isEmpty {
            for log in [
                device.initState + "/tedge-mapper-az.log", device.brokerDirectory + "/mosquitto.log", device.simulatorLog,
            ] {
                let text = try String(contentsOfFile: log, encoding: .utf8)
                print("soak: --- \(log)\n" + text.split(separator: "\n").suffix(40).joined(separator: "\n"))
            }
        }
        producer.disconnect()
    }

    /// The mapper killed under load: a numbered QoS 1 stream (20,000, about 1,000 a second, so the
    /// mapper also drains what queued while it was down) through `tedge-mapper az`, SIGKILLed four times and SIGTERMed four times at
    /// random moments of the delivery and restarted after each (same client id, persistent session; the broker stays
    /// up). Guarantee checked: every number arrives (on the local broker's `az/…` with the mosquitto
    /// bridge's mapper, at the simulator's backend with the built-in bridge); duplicates are counted and printed.
    @Test(arguments: [false, true]) func everyMeasurementArrivesThroughKillsAndRestarts(builtIn: Bool) async throws {
        let storm = try await KillStormDevice(builtIn: builtIn)
        let log = storm.root + "/mapper.log"
        var mapper: ChildProcess? = nil
        defer { mapper?.stop() }
        func startMapper() async throws -> ChildProcess {
            let process = try ChildProcess.spawn(
                [Binaries.mapper, "--config-dir", storm.configDirectory, "az"], standardOutput: log, standardError: log)
            let health = MapperHealth(serviceName: "tedge-mapper-az")
            if await health.waitUntilUp(port: storm.mqttPort, timeout: .seconds(30), pid: process.pid) { return process }
            throw TedgeError("the mapper (pid \(process.pid)) never came up: \(try String(contentsOfFile: log, encoding: .utf8))")
        }

        let (observer, collected, arrivals) = try await Collected.observe(
            port: storm.observerPort, clientID: "storm-observer", filter: storm.observerFilter)
        mapper = try await startMapper()

        let total = 20_000
        let producer = try MQTTClient(
            .init(
                host: "127.0.0.1", port: storm.mqttPort, clientID: "storm-producer", cleanSession: false,
                maxInflightMessages: 100))
        try producer.start()
        try await producer.waitUntilConnected(timeout: .seconds(10))
        let production = Task {
            var last: Int32 = 0
            for number in 1...total {
                last = try producer.publish(
                    MQTTMessage(topic: "tedge/measurements", text: "{\"n\": \(number)}", qos: .atLeastOnce))
                // About 1,000 a second: a stream the signals can land in, not a flood delivered before the first restart.
                if number % 50 == 0 { try await Task.sleep(for: .milliseconds(50)) }
            }
            try await producer.waitForDelivery(of: last, timeout: .seconds(120))
        }

        // Four SIGKILLs and four SIGTERMs in random order, each followed by a restart, each under load: after a random
        // number of arrivals (100 to 600) since that mapper reported up, so that every signal lands mid-stream.
        var signals = [SIGKILL, SIGKILL, SIGKILL, SIGKILL, SIGTERM, SIGTERM, SIGTERM, SIGTERM]
        signals.shuffle()
        var events: [String] = []
        var arrivalsAtStart = 0
        for signal in signals {
            let moment = arrivalsAtStart + Int.random(in: 100...600)
            let deadline = ContinuousClock.now + .seconds(30)
            while collected.count < moment, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
            let distinct = Set(collected.numbers).count
            #expect(collected.count >= moment && distinct < total, "signal \(signal) would not land mid-flood")
            let running = try #require(mapper)
            running.signal(signal)
            let status = await running.wait(timeout: .seconds(15))
            #expect(status == (signal == SIGKILL ? .signalled(SIGKILL) : .exited(0)), "after signal \(signal)")
            events.append("\(signal == SIGKILL ? "SIGKILL" : "SIGTERM") at \(distinct) distinct received")
            mapper = try await startMapper()
            arrivalsAtStart = collected.count
        }
        try await production.value

        var stalled = 0
        var seen = 0
        while Set(collected.numbers).count < total, stalled < 30 {
            try await Task.sleep(for: .seconds(1))
            let now = Set(collected.numbers).count
            stalled = now == seen ? stalled + 1 : 0
            seen = now
        }
        observer.disconnect()
        await arrivals.value
        producer.disconnect()
        let received = collected.numbers
        let unique = Set(received)
        let missing = (1...total).filter { !unique.contains($0) }
        print(
            "kill storm (\(builtIn ? "built-in bridge" : "mosquitto bridge")): \(total) published, \(received.count) received, \(unique.count) distinct, "
                + "\(received.count - unique.count) duplicates, \(missing.count) missing")
        for event in events { print("kill storm: \(event)") }
        #expect(missing.isEmpty, "missing: \(missing.prefix(50))")
        if !missing.isEmpty, let text = try? String(contentsOfFile: log, encoding: .utf8) {
            print("kill storm: --- mapper log\n" + text.split(separator: "\n").suffix(40).joined(separator: "\n"))
        }
    }
}

/// Where the kill storm runs: the mapper started by the test itself (so its exit status can be checked) on a
/// persistent local broker. With the mosquitto bridge's mapper no cloud is needed (what it forwards is seen on the
/// local `az/…`); with the built-in bridge the mapper carries the flood to the simulator, where it is seen.
final class KillStormDevice: @unchecked Sendable {
    let root: String
    let configDirectory: String
    let mqttPort: Int
    let observerPort: Int
    let observerFilter: String
    private let broker: TestBroker?
    private let device: DeviceEnvironment?

    init(builtIn: Bool) async throws {
        if builtIn {
            let device = try await DeviceEnvironment()
            try await device.startSimulator()
            try await device.prepareAzure()
            try await device.useBuiltInBridge()
            device.expectSuccess(try await device.tedge("config", "set", "az.topics", Binaries.teTopicsWithoutHealth))
            // Connected as a user would (the device's broker gets its listener, persistent as setup-local-device
            // configures it), then the init system's mapper is stopped: the one killed is the test's own.
            device.expectSuccess(try await device.tedge("connect", "az"))
            device.expectSuccess(
                try await ChildProcess.run(
                    [Binaries.script("local-init"), device.initState, "stop", "tedge-mapper-az"], environment: device.environment))
            (root, configDirectory, mqttPort) = (device.root, device.configDirectory, device.mqttPort)
            (observerPort, observerFilter) = (device.simulatorBackendPort, "devices/my-device/messages/events/#")
            (self.device, broker) = (device, nil)
        } else {
            let broker = try await TestBroker(persistent: true)
            root = broker.directory
            configDirectory = broker.directory + "/etc"
            try FileManager.default.createDirectory(atPath: configDirectory, withIntermediateDirectories: true)
            try "[mqtt]\nport = \(broker.port)\n".write(
                toFile: configDirectory + "/tedge.toml", atomically: true, encoding: .utf8)
            (mqttPort, observerPort, observerFilter) = (broker.port, broker.port, "az/messages/events/#")
            (self.broker, device) = (broker, nil)
        }
    }
}

/// Numbers seen by the observer, in arrival order.
final class Collected: Sendable {
    private let seen = Mutex<[Int]>([])
    func add(_ number: Int) { seen.withLock { $0.append(number) } }
    var numbers: [Int] { seen.withLock { $0 } }
    /// Arrivals so far, duplicates included.
    var count: Int { seen.withLock { $0.count } }

    /// A persistent observer (it also gets what arrived while it was away) collecting the `"n"` of every
    /// message on `filter`; the task ends when the client disconnects.
    static func observe(port: Int, clientID: String, filter: String) async throws -> (MQTTClient, Collected, Task<Void, Never>) {
        let observer = try MQTTClient(
            .init(
                host: "127.0.0.1", port: port, clientID: clientID, cleanSession: false,
                maxBufferedMessages: 100_000))
        try observer.subscribe(filter, qos: .atLeastOnce)
        try observer.connect()
        try await observer.waitUntilSubscribed(timeout: .seconds(10))
        let collected = Collected()
        let arrivals = Task {
            for await message in observer.messages {
                if let text = message.text, let range = text.range(of: "\"n\":") {
                    collected.add(Int(Double(text[range.upperBound...].prefix { "0123456789.".contains($0) }) ?? -1))
                }
            }
        }
        return (observer, collected, arrivals)
    }
}
