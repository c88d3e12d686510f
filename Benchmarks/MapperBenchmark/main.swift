// Mapper throughput, latency and memory against a zero-work C relay on the same broker.
// Run: swift build -c release && .build/release/tedge-benchmark --messages 100000
import Foundation
import TedgeMosquitto
import TedgeProviderAPI
import TedgeRuntime
import TedgeSystem

let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: String) -> String {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
    return arguments[index + 1]
}
let count = Int(option("--messages", "100000")) ?? 100_000
let binDirectory = URL(fileURLWithPath: arguments[0]).deletingLastPathComponent().path
let window = Int(option("--window", "100")) ?? 100
/// Messages per second to offer; 0 floods (as fast as the broker accepts them).
let rate = Double(option("--rate", "0")) ?? 0

/// Peak and current resident memory of a process, in KiB.
/// Unbuffered, so progress shows even when the output is a pipe.
func say(_ text: String) { Console.standardOutput.line(text) }

func memory(of pid: pid_t) -> (rss: Int, peak: Int) {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
    func field(_ name: String) -> Int {
        status.split(separator: "\n").first { $0.hasPrefix(name) }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true)[1]) } ?? 0
    }
    return (field("VmRSS:"), field("VmHWM:"))
}

struct Figures {
    let name: String
    let received: Int
    let seconds: Double
    let p50: Double
    let p99: Double
    let rssKiB: [Int]
    let peakKiB: Int
    var rate: Double { Double(received) / seconds }
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

func run(name: String, relay: [String], port: Int, directory: String) async throws -> Figures {
    let log = directory + "/\(name.prefix { $0 != " " }).log"
    let process = try ChildProcess.spawn(relay, standardOutput: log, standardError: log)
    defer { process.stop() }
    let start = ContinuousClock.now
    func micros() -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
    }
    let consumer = try MQTTClient(.init(host: "127.0.0.1", port: port, clientID: "bench-consumer", cleanSession: true))
    try consumer.subscribe("az/messages/events/", qos: .atLeastOnce)
    try consumer.connect()
    try await consumer.waitUntilSubscribed(timeout: .seconds(10))
    try await Task.sleep(for: .milliseconds(500))  // the relay subscribes

    let collector = Task { () -> (Int, [Double], Double) in
        var latencies: [Double] = []
        latencies.reserveCapacity(count)
        var last = 0.0
        for await message in consumer.messages {
            let now = micros()
            if let text = message.text, let range = text.range(of: "\"sent\":") {
                let number = text[range.upperBound...].prefix { "0123456789.e-+ ".contains($0) }
                if let sent = Double(number.trimmingCharacters(in: .whitespaces)) { latencies.append(now - sent) }
            }
            last = now
            if latencies.count >= count { break }
        }
        return (latencies.count, latencies, last)
    }

    let producer = try MQTTClient(.init(host: "127.0.0.1", port: port, clientID: "bench-producer", cleanSession: true, maxInflightMessages: window))
    try producer.connect()
    try await producer.waitUntilConnected(timeout: .seconds(10))
    var pending: [Int32] = []
    pending.reserveCapacity(window)
    var rss: [Int] = []
    let firstSend = micros()
    for sequence in 1...count {
        if pending.count >= window {
            try await producer.waitForDelivery(of: pending.removeFirst(), timeout: .seconds(30))
        }
        if rate > 0, sequence % 50 == 0 {
            let due = firstSend + Double(sequence) / rate * 1e6
            let ahead = due - micros()
            if ahead > 0 { try await Task.sleep(for: .microseconds(Int(ahead))) }
        }
        let payload = "{\"seq\": \(sequence), \"sent\": \(micros())}"
        pending.append(try producer.publish(MQTTMessage(topic: "tedge/measurements", text: payload, qos: .atLeastOnce)))
        if sequence % max(1, count / 10) == 0 { rss.append(memory(of: process.pid).rss) }
    }
    let timeout = Task {
        try await Task.sleep(for: .seconds(30))
        consumer.disconnect()
    }
    let (received, latencies, last) = await collector.value
    timeout.cancel()
    if received < count {
        say("\(name): \(count - received) messages missing; its log:\n" + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
    }
    let sorted = latencies.sorted()
    let peak = memory(of: process.pid).peak
    consumer.disconnect()
    producer.disconnect()
    return Figures(name: name, received: received, seconds: (last - firstSend) / 1e6,
                   p50: percentile(sorted, 0.5) / 1000, p99: percentile(sorted, 0.99) / 1000, rssKiB: rss, peakKiB: peak)
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tedge-bench-\(UUID().uuidString.prefix(8))").path
try FileManager.default.createDirectory(atPath: directory + "/etc", withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }
let port = PortProbe.freePort()
try "listener \(port) 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n\(getuid() == 0 ? "user root\n" : "")"
    .write(toFile: directory + "/mosquitto.conf", atomically: true, encoding: .utf8)
try "[mqtt]\nport = \(port)\n[az]\nmapper_timestamp = false\n".write(toFile: directory + "/etc/tedge.toml", atomically: true, encoding: .utf8)
let broker = try ChildProcess.spawn(["mosquitto", "-c", directory + "/mosquitto.conf"])
defer { broker.stop() }
guard await PortProbe.waitUntilListening(port: port, timeout: .seconds(10)) else { fatalError("mosquitto did not start") }

say("Publishing \(count) Thin Edge JSON measurements at QoS 1 (window \(window), \(rate > 0 ? "\(Int(rate)) msg/s offered" : "flood")) through each relay on one mosquitto.")
let ceiling = try await run(name: "C relay (libmosquitto, zero work)", relay: [binDirectory + "/c-relay", String(port), "tedge/measurements", "az/messages/events/"], port: port, directory: directory)
let mapper = try await run(name: "tedge-mapper az", relay: [binDirectory + "/tedge-mapper", "--config-dir", directory + "/etc", "az"], port: port, directory: directory)

for figures in [ceiling, mapper] {
    say("")
    say(figures.name)
    say(String(format: "  received     %d of %d (%d lost)", figures.received, count, count - figures.received))
    say(String(format: "  throughput   %.0f msg/s", figures.rate))
    say(String(format: "  latency      p50 %.2f ms, p99 %.2f ms", figures.p50, figures.p99))
    say("  RSS (KiB)    samples \(figures.rssKiB.map(String.init).joined(separator: " ")), peak \(figures.peakKiB)")
}
say("")
say(String(format: "tedge-mapper throughput = %.1f%% of the C relay", mapper.rate / ceiling.rate * 100))
