// Mapper throughput, latency and memory against the broker's own round trip (producer to consumer,
// nothing in between) and a zero-work C relay, alternated on one mosquitto in one run.
// Run: swift build -c release --static-swift-stdlib && .build/release/tedge-benchmark --messages 100000 --rounds 3
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
/// Each path is measured this many times, alternating, so a busy moment on the machine hits all of them.
let rounds = Int(option("--rounds", "3")) ?? 3
/// How long a relay idles after its round before its resident memory is read (the mapper gives code
/// pages back after 5 s without input).
let idleSeconds = Int(option("--idle-seconds", "7")) ?? 7
/// The user-defined example cloud whose Lua flow step the Lua round runs (issue 19: a Lua step costs at most half the
/// mapper's throughput).
let exampleDirectory = option(
    "--example",
    String(#filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/"))
        + "/Examples/UserDefinedCloud/thingsboard")

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
    /// Resident memory after the flood, once the relay has been idle for `idleSeconds`.
    let idleKiB: Int
    var rate: Double { Double(received) / seconds }
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

/// The C relay's input, not the mapper's: both keep persistent sessions, and on a shared topic each would
/// find the other's rounds queued for it (and deliver them twice to the consumer).
let relayInputTopic = "bench/c-relay/measurements"
/// The Lua round's input: a topic of its own, as the az mapper's persistent session would queue anything on `te/`.
let luaInputTopic = "bench/lua/measurements"
/// Where the relays publish: Azure's telemetry, and the Lua flow's output.
let outputFilters = ["az/messages/events/#", "thingsboard/telemetry"]

/// `relay` nil: the producer publishes straight to the consumer's topic (the broker's own round trip);
/// otherwise the producer publishes on `inputTopic`, which the relay consumes.
func run(name: String, relay: [String]?, inputTopic: String, port: Int, directory: String) async throws -> Figures {
    let log = directory + "/\(name.prefix { $0 != " " }).log"
    let process = try relay.map { try ChildProcess.spawn($0, standardOutput: log, standardError: log) }
    defer { process?.stop() }
    let start = ContinuousClock.now
    func micros() -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
    }
    let consumer = try MQTTClient(.init(host: "127.0.0.1", port: port, clientID: "bench-consumer", cleanSession: true))
    for filter in outputFilters { try consumer.subscribe(filter, qos: .atLeastOnce) }
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

    let producer = try MQTTClient(
        .init(host: "127.0.0.1", port: port, clientID: "bench-producer", cleanSession: true, maxInflightMessages: window))
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
        pending.append(try producer.publish(MQTTMessage(topic: inputTopic, text: payload, qos: .atLeastOnce)))
        if let process, sequence % max(1, count / 10) == 0 { rss.append(memory(of: process.pid).rss) }
    }
    let timeout = Task {
        try await Task.sleep(for: .seconds(30))
        consumer.disconnect()
    }
    let (received, latencies, last) = await collector.value
    timeout.cancel()
    if received < count {
        say(
            "\(name): \(count - received) messages missing; its log:\n"
                + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
    }
    let sorted = latencies.sorted()
    let peak = process.map { memory(of: $0.pid).peak } ?? 0
    consumer.disconnect()
    producer.disconnect()
    var idle = 0
    if let process {
        try await Task.sleep(for: .seconds(idleSeconds))
        idle = memory(of: process.pid).rss
    }
    return Figures(
        name: name, received: received, seconds: (last - firstSend) / 1e6,
        p50: percentile(sorted, 0.5) / 1000, p99: percentile(sorted, 0.99) / 1000, rssKiB: rss, peakKiB: peak, idleKiB: idle)
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tedge-bench-\(UUID().uuidString.prefix(8))").path
try FileManager.default.createDirectory(atPath: directory + "/etc", withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }
let port = PortProbe.freePort()
try "listener \(port) 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n\(getuid() == 0 ? "user root\n" : "")"
    .write(toFile: directory + "/mosquitto.conf", atomically: true, encoding: .utf8)
try "[mqtt]\nport = \(port)\n[az]\nmapper_timestamp = false\n".write(
    toFile: directory + "/etc/tedge.toml", atomically: true, encoding: .utf8)
// The example cloud with its Lua script (json.decode, a table, json.encode) as the one step of a flow on the Lua
// round's input topic.
try FileManager.default.createDirectory(atPath: directory + "/etc/mappers", withIntermediateDirectories: true)
try FileManager.default.copyItem(atPath: exampleDirectory, toPath: directory + "/etc/mappers/thingsboard")
try FileManager.default.removeItem(atPath: directory + "/etc/mappers/thingsboard/flows/telemetry.toml")
let luaFlow =
    "input.mqtt.topics = [\"\(luaInputTopic)\"]\nsteps = [{ script = \"thingsboard.lua\" }]\n"
    + "output.mqtt.topic = \"thingsboard/telemetry\"\n"
try luaFlow.write(toFile: directory + "/etc/mappers/thingsboard/flows/benchmark.toml", atomically: true, encoding: .utf8)
let brokerProcess = try ChildProcess.spawn(["mosquitto", "-c", directory + "/mosquitto.conf"])
defer { brokerProcess.stop() }
guard await PortProbe.waitUntilListening(port: port, timeout: .seconds(10)) else { fatalError("mosquitto did not start") }

/// What the figures were measured on, for the results file.
func describeRun() -> [String] {
    func first(_ command: [String]) -> String {
        ((try? ChildProcess.run(command))?.standardOutput ?? "").split(separator: "\n").first.map(String.init) ?? "unknown"
    }
    let cpu =
        ((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "").split(separator: "\n")
        .first { $0.hasPrefix("model name") }.map {
            String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces)
        } ?? "unknown"
    return [
        "command:   "
            + CommandLine.arguments.map { $0.contains("/") ? String($0.split(separator: "/").last!) : $0 }.joined(separator: " "),
        "commit:    " + first(["git", "-C", binDirectory, "rev-parse", "HEAD"])
            + (first(["git", "-C", binDirectory, "status", "--porcelain", "--untracked-files=no"]) == "unknown" ? "" : " (with uncommitted changes)"),
        "toolchain: " + first(["swift", "--version"]),
        "machine:   " + "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu), " + first(["uname", "-sr"]),
        "broker:    " + first(["mosquitto", "-h"]),
    ]
}

for line in describeRun() { say(line) }
say(
    "Publishing \(count) Thin Edge JSON measurements at QoS 1 (window \(window), \(rate > 0 ? "\(Int(rate)) msg/s offered" : "flood")), \(rounds) rounds alternating the broker's round trip, the C relay and the mapper (on tedge/measurements, then on te/, then a user-defined cloud's flow with one Lua step) on one mosquitto."
)
var results: [String: [Figures]] = [:]
let paths: [(name: String, relay: [String]?, inputTopic: String)] = [
    ("broker round trip (no relay)", nil, "az/messages/events/"),
    (
        "C relay (libmosquitto, zero work)",
        [binDirectory + "/c-relay", String(port), relayInputTopic, "az/messages/events/"], relayInputTopic
    ),
    ("tedge-mapper az", [binDirectory + "/tedge-mapper", "--config-dir", directory + "/etc", "az"], "tedge/measurements"),
    // The same mapper on thin-edge 1.x's topics: the main device's measurements through the entity store and 2.x's steps.
    ("tedge-mapper az (te/)", [binDirectory + "/tedge-mapper", "--config-dir", directory + "/etc", "az"], "te/device/main///m/env"),
    // A user-defined cloud (the example's directory) whose one flow is one Lua step, the example's ThingsBoard transform.
    (
        "tedge-mapper, one Lua flow step",
        [binDirectory + "/tedge-mapper", "--config-dir", directory + "/etc", "thingsboard"], luaInputTopic
    ),
]
for round in 1...rounds {
    for (name, relay, inputTopic) in paths {
        let figures = try await run(name: name, relay: relay, inputTopic: inputTopic, port: port, directory: directory)
        let padded = name + String(repeating: " ", count: max(0, 36 - name.count))
        say(
            "round \(round)  \(padded) "
                + String(
                    format: "%7.0f msg/s  received %d of %d  peak %d KiB", figures.rate, figures.received, count, figures.peakKiB)
        )
        results[name, default: []].append(figures)
    }
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
for (name, _, _) in paths {
    let runs = results[name] ?? []
    say("")
    say(name)
    say("  received     \(runs.map { String($0.received) }.joined(separator: ", ")) of \(count) each")
    say(
        String(format: "  throughput   median %.0f msg/s", median(runs.map(\.rate)))
            + " (\(runs.map { String(format: "%.0f", $0.rate) }.joined(separator: ", ")))")
    say(String(format: "  latency      median p50 %.2f ms, p99 %.2f ms", median(runs.map(\.p50)), median(runs.map(\.p99))))
    if runs.contains(where: { $0.peakKiB > 0 }) {
        say(
            "  RSS (KiB)    samples \(runs.last!.rssKiB.map(String.init).joined(separator: " ")); peak (VmHWM) \(runs.map { String($0.peakKiB) }.joined(separator: ", "))"
        )
        say("  idle (KiB)   VmRSS \(idleSeconds) s after each round: \(runs.map { String($0.idleKiB) }.joined(separator: ", "))")
    }
}
let brokerRate = median((results[paths[0].name] ?? []).map(\.rate))
let relayRate = median((results[paths[1].name] ?? []).map(\.rate))
let mapperRate = median((results[paths[2].name] ?? []).map(\.rate))
let teRate = median((results[paths[3].name] ?? []).map(\.rate))
let luaRate = median((results[paths[4].name] ?? []).map(\.rate))
say("")
say(
    String(
        format:
            "tedge-mapper: %.2f of the broker's own round trip (0.5 is the ceiling: every message crosses the broker twice), %.2f of the C relay",
        mapperRate / brokerRate, mapperRate / relayRate))
say(
    String(
        format: "tedge-mapper on te/: %.2f of the broker's own round trip, %.2f of the C relay", teRate / brokerRate,
        teRate / relayRate))
say(
    String(
        format:
            "tedge-mapper with one Lua flow step: %.2f of the mapper's throughput on tedge/measurements (at least 0.5 is the mark), %.2f of the broker's own round trip",
        luaRate / mapperRate, luaRate / brokerRate)
        + "; round by round "
        + zip(results[paths[4].name] ?? [], results[paths[2].name] ?? []).map { String(format: "%.2f", $0.rate / $1.rate) }
        .joined(separator: ", "))
