import Foundation
import Synchronization
import TedgeMosquitto
import TedgeProviderAPI
import TedgeRuntime
import Testing

/// Nothing lost: a numbered stream of QoS 1 measurements goes through mapper and bridge while the
/// cloud goes away three times, the mapper is killed once, and the local broker restarts once.
/// Guarantee checked: at least once (every number arrives); duplicates are counted and printed.
@Suite(.serialized) struct SoakTests {
    @Test func everyMeasurementArrivesThroughOutages() async throws {
        let device = try DeviceEnvironment()
        try await device.startSimulator()
        try device.prepareAzure()
        device.expectSuccess(try device.tedge("connect", "az"))

        // A persistent observer in the cloud: it gets what arrived while the simulator was restarting.
        let observer = try MQTTClient(.init(host: "127.0.0.1", port: device.simulatorBackendPort, clientID: "soak-observer", cleanSession: false))
        try observer.subscribe("devices/my-device/messages/events/#", qos: .atLeastOnce)
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

        let total = 1_200
        let producer = try MQTTClient(.init(host: "127.0.0.1", port: device.mqttPort, clientID: "soak-producer", cleanSession: false))
        try producer.start()
        try await producer.waitUntilConnected(timeout: .seconds(10))
        let production = Task {
            // An application's view: retry until the local broker has acknowledged each number.
            for number in 1...total {
                while true {
                    do {
                        let mid = try producer.publish(MQTTMessage(topic: "tedge/measurements", text: "{\"n\": \(number)}", qos: .atLeastOnce))
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
                if let pid = device.pid(of: "tedge-mapper-az") { kill(pid, SIGKILL) }
                note("mapper killed")
                try await Task.sleep(for: .seconds(1))
                device.expectSuccess(try ChildProcess.run([Binaries.script("local-init"), device.initState, "restart", "tedge-mapper-az"], environment: device.environment))
                note("mapper restarted")
            }
            if round == 2 {
                try await Task.sleep(for: .seconds(2))
                device.expectSuccess(try ChildProcess.run([Binaries.script("local-init"), device.initState, "restart", "mosquitto"], environment: device.environment))
                note("local broker restarted")
            }
        }
        try await production.value
        note("all \(total) published")

        // Wait for the stream to drain to the cloud.
        for _ in 0..<120 where Set(collected.numbers).count < total {
            try await Task.sleep(for: .seconds(1))
        }
        observer.disconnect()
        await arrivals.value
        let received = collected.numbers
        let unique = Set(received)
        let missing = (1...total).filter { !unique.contains($0) }
        let duplicates = received.count - unique.count
        print("soak: \(total) published, \(received.count) received, \(unique.count) distinct, \(duplicates) duplicates, \(missing.count) missing")
        for event in events { print("soak: \(event)") }
        #expect(missing.isEmpty, "missing: \(missing.prefix(50))")
        if !missing.isEmpty {
            for log in [device.initState + "/tedge-mapper-az.log", device.brokerDirectory + "/mosquitto.log", device.simulatorLog] {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                print("soak: --- \(log)\n" + text.split(separator: "\n").suffix(40).joined(separator: "\n"))
            }
        }
        producer.disconnect()
    }
}

/// Numbers seen by the observer, in arrival order.
final class Collected: Sendable {
    private let seen = Mutex<[Int]>([])
    func add(_ number: Int) { seen.withLock { $0.append(number) } }
    var numbers: [Int] { seen.withLock { $0 } }
}
