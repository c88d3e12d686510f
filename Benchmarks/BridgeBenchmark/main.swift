// The two bridges end to end: local publish on tedge/measurements to arrival at the cloud simulator's backend,
// through `tedge-mapper az` and mosquitto's bridge (`mqtt.bridge.built_in = false`) and through the mapper's
// built-in bridge with its durable store (`true`), alternated on one device in one run. Also the mapper's memory
// (one process in either mode: `tedge-mapper` execs `tedge-mapper-bridge` under the same pid) and the bytes each
// bridge's process wrote to disk per message (/proc/<pid>/io write_bytes).
// Run: swift build -c release --static-swift-stdlib && .build/release/tedge-bridge-benchmark --messages 20000 --rounds 3
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
let count = Int(option("--messages", "20000")) ?? 20_000
let window = Int(option("--window", "100")) ?? 100
let rounds = Int(option("--rounds", "3")) ?? 3
let idleSeconds = Int(option("--idle-seconds", "7")) ?? 7
/// `mosquitto`, `built-in` or both (the default), e.g. to profile one path.
let onlyMode = option("--only", "")
let binDirectory = URL(fileURLWithPath: arguments[0]).deletingLastPathComponent().path
/// The package root (for `scripts/`): the executable is in `<root>/.build/<configuration>/`.
let packageRoot = option(
    "--package-root", URL(fileURLWithPath: binDirectory).deletingLastPathComponent().deletingLastPathComponent().path)
let deviceID = "bench-device"

/// Unbuffered, so progress shows even when the output is a pipe.
func say(_ text: String) { Console.standardOutput.line(text) }

func procField(_ pid: pid_t, file: String, _ name: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/\(file)", encoding: .utf8) else { return 0 }
    return text.split(separator: "\n").first { $0.hasPrefix(name) }
        .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true)[1]) } ?? 0
}
func rss(_ pid: pid_t) -> Int { procField(pid, file: "status", "VmRSS:") }
func peak(_ pid: pid_t) -> Int { procField(pid, file: "status", "VmHWM:") }
func writtenBytes(_ pid: pid_t) -> Int { procField(pid, file: "io", "write_bytes:") }
/// User plus system CPU time, in clock ticks (1/100 s here).
func cpuTicks(_ pid: pid_t) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else {
        return 0
    }
    let fields = text[text.index(after: close)...].split(separator: " ")
    return (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
}
func executable(_ pid: pid_t) -> String {
    ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")) ?? "?").split(separator: "/").last.map(
        String.init)
        ?? "?"
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

// MARK: the device and its cloud

let root = "/var/tmp/tedge-bridge-bench-\(UUID().uuidString.prefix(8))"
let etc = root + "/etc", initState = root + "/init", brokerDirectory = root + "/broker", bin = root + "/bin"
let simulatorDirectory = root + "/sim", simulatorLog = root + "/sim.log"
try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
for name in ["tedge", "tedge-mapper"] {
    try FileManager.default.createSymbolicLink(atPath: bin + "/" + name, withDestinationPath: binDirectory + "/" + name)
}
let environment = ["PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
let localInit = packageRoot + "/scripts/local-init"
let mqttPort = PortProbe.freePort()

@discardableResult
func mustRun(_ command: [String]) throws -> String {
    let output = try ChildProcess.run(command, environment: environment)
    guard output.status.succeeded else {
        throw TedgeError("\(command.joined(separator: " ")) failed:\n\(output.standardOutput)\(output.standardError)")
    }
    return output.standardOutput
}
func tedge(_ words: String...) throws { try mustRun([bin + "/tedge", "--config-dir", etc] + words) }
func pidOf(_ service: String) -> pid_t? {
    (try? String(contentsOfFile: initState + "/\(service).pid", encoding: .utf8)).flatMap {
        Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

try mustRun([packageRoot + "/scripts/setup-local-device", etc, initState, brokerDirectory, String(mqttPort), localInit])
let simulator = try ChildProcess.spawn(
    [binDirectory + "/tedge-cloud-sim", "run", "--dir", simulatorDirectory], standardOutput: simulatorLog,
    standardError: simulatorLog)
func stopEverything() {
    for service in ["tedge-mapper-az", "mosquitto"] { _ = try? ChildProcess.run([localInit, initState, "stop", service]) }
    simulator.stop()
}
var ready: [String: String] = [:]
for _ in 0..<400 where ready.isEmpty {
    if let line = ((try? String(contentsOfFile: simulatorLog, encoding: .utf8)) ?? "").split(separator: "\n").first(where: {
        $0.hasPrefix("ready ")
    }) {
        for pair in line.split(separator: " ").dropFirst() {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { ready[String(parts[0])] = String(parts[1]) }
        }
    }
    usleep(25_000)
}
guard let tlsPort = ready["tls_port"], let backendPort = ready["backend_port"].flatMap({ Int($0) }) else {
    stopEverything()
    fatalError("the simulator did not start")
}
do {
    try tedge("cert", "create", "--device-id", deviceID)
    try mustRun([
        binDirectory + "/tedge-cloud-sim", "register", "--dir", simulatorDirectory, "--certificate",
        etc + "/device-certs/tedge-certificate.pem",
    ])
    try tedge("config", "set", "az.url", "localhost:\(tlsPort)")
    try tedge("config", "set", "az.root.cert.path", simulatorDirectory + "/ca.pem")
    try tedge("config", "set", "az.mapper.timestamp", "false")
    try tedge("config", "set", "mqtt.bridge.store.path", root + "/bridge-store")
} catch {
    stopEverything()
    throw error
}

// MARK: one round

enum Mode: String, CaseIterable {
    case mosquitto = "mosquitto bridge"
    case builtIn = "built-in bridge"
}

struct Figures {
    let received: Int
    let seconds: Double
    let p50: Double
    let p99: Double
    /// VmHWM since the process started (start-up included), and since just before the flood (reset through
    /// `/proc/<pid>/clear_refs`).
    let peakKiB: Int
    let floodPeakKiB: Int
    let idleKiB: Int
    let process: String
    /// Bytes written to disk during the flood by the process that carries messages to the cloud (the broker, or
    /// the mapper with its store), per message.
    let diskPerMessage: Double
    /// The same for the local broker in built-in mode (it still holds the inputs until the mapper acknowledges).
    let brokerDiskPerMessage: Double
    /// CPU seconds the mapper and the broker spent from the first publish to the last arrival.
    let mapperCPU: Double
    let brokerCPU: Double
    let simulatorCPU: Double
    var rate: Double { Double(received) / seconds }
}

func run(_ mode: Mode) async throws -> Figures {
    try tedge("config", "set", "mqtt.bridge.built_in", mode == .builtIn ? "true" : "false")
    try tedge("connect", "az")
    defer { _ = try? tedge("disconnect", "az") }
    guard let mapper = pidOf("tedge-mapper-az"), let broker = pidOf("mosquitto") else { throw TedgeError("no mapper or broker") }

    let start = ContinuousClock.now
    func micros() -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
    }
    let consumer = try MQTTClient(
        .init(
            host: "127.0.0.1", port: backendPort, clientID: "bench-cloud-consumer", cleanSession: true,
            maxBufferedMessages: 100_000))
    try consumer.subscribe("devices/\(deviceID)/messages/events/#", qos: .atLeastOnce)
    try consumer.connect()
    try await consumer.waitUntilSubscribed(timeout: .seconds(10))
    let collector = Task { () -> ([Double], Double) in
        var latencies: [Double] = []
        latencies.reserveCapacity(count)
        var last = 0.0
        for await message in consumer.messages {
            guard let text = message.text, let range = text.range(of: "\"sent\":") else { continue }  // health, not ours
            let now = micros()
            let number = text[range.upperBound...].prefix { "0123456789.e-+ ".contains($0) }
            if let sent = Double(number.trimmingCharacters(in: .whitespaces)) { latencies.append(now - sent) }
            last = now
            if latencies.count >= count { break }
        }
        return (latencies, last)
    }

    let startPeakKiB = peak(mapper)
    // "5" resets the high-water mark to the current resident size (proc(5)), so the flood's own peak can be read.
    if let clear = fopen("/proc/\(mapper)/clear_refs", "w") {
        fputs("5", clear)
        fclose(clear)
    }
    let mapperWrittenBefore = writtenBytes(mapper), brokerWrittenBefore = writtenBytes(broker)
    let mapperTicksBefore = cpuTicks(mapper), brokerTicksBefore = cpuTicks(broker), simulatorTicksBefore = cpuTicks(simulator.pid)
    let producer = try MQTTClient(
        .init(host: "127.0.0.1", port: mqttPort, clientID: "bench-producer", cleanSession: true, maxInflightMessages: window))
    try producer.connect()
    try await producer.waitUntilConnected(timeout: .seconds(10))
    var pending: [Int32] = []
    pending.reserveCapacity(window)
    let firstSend = micros()
    for sequence in 1...count {
        if pending.count >= window { try await producer.waitForDelivery(of: pending.removeFirst(), timeout: .seconds(60)) }
        let payload = "{\"seq\": \(sequence), \"sent\": \(micros())}"
        pending.append(try producer.publish(MQTTMessage(topic: "tedge/measurements", text: payload, qos: .atLeastOnce)))
    }
    let timeout = Task {
        try await Task.sleep(for: .seconds(60))
        consumer.disconnect()
    }
    let (latencies, last) = await collector.value
    timeout.cancel()
    let floodPeakKiB = peak(mapper)
    let peakKiB = max(startPeakKiB, floodPeakKiB)
    let bridgeWritten = mode == .builtIn ? writtenBytes(mapper) - mapperWrittenBefore : writtenBytes(broker) - brokerWrittenBefore
    let brokerWritten = writtenBytes(broker) - brokerWrittenBefore
    let process = executable(mapper)
    let mapperCPU = Double(cpuTicks(mapper) - mapperTicksBefore) / 100,
        brokerCPU = Double(cpuTicks(broker) - brokerTicksBefore) / 100
    let simulatorCPU = Double(cpuTicks(simulator.pid) - simulatorTicksBefore) / 100
    consumer.disconnect()
    producer.disconnect()
    if latencies.count < count {
        say("\(mode.rawValue): \(count - latencies.count) messages missing; the mapper's log:")
        say(
            ((try? String(contentsOfFile: initState + "/tedge-mapper-az.log", encoding: .utf8)) ?? "").split(separator: "\n")
                .suffix(30)
                .joined(separator: "\n"))
    }
    try await Task.sleep(for: .seconds(idleSeconds))
    let idleKiB = rss(mapper)
    let sorted = latencies.sorted()
    return Figures(
        received: latencies.count, seconds: (last - firstSend) / 1e6, p50: percentile(sorted, 0.5) / 1000,
        p99: percentile(sorted, 0.99) / 1000, peakKiB: peakKiB, floodPeakKiB: floodPeakKiB, idleKiB: idleKiB, process: process,
        diskPerMessage: Double(bridgeWritten) / Double(count), brokerDiskPerMessage: Double(brokerWritten) / Double(count),
        mapperCPU: mapperCPU, brokerCPU: brokerCPU, simulatorCPU: simulatorCPU)
}

// MARK: the run

func describeRun() -> [String] {
    func first(_ command: [String]) -> String {
        ((try? ChildProcess.run(command))?.standardOutput ?? "").split(separator: "\n").first.map(String.init) ?? "unknown"
    }
    let cpu =
        ((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "").split(separator: "\n")
        .first { $0.hasPrefix("model name") }.map {
            String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces)
        } ?? "unknown"
    let load = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3)
        .joined(separator: " ")
    return [
        "command:   "
            + CommandLine.arguments.map { $0.contains("/") ? String($0.split(separator: "/").last!) : $0 }.joined(separator: " "),
        "commit:    " + first(["git", "-C", binDirectory, "rev-parse", "HEAD"])
            + (first(["git", "-C", binDirectory, "status", "--porcelain", "--untracked-files=no"]) == "unknown"
                ? "" : " (with uncommitted changes)"),
        "toolchain: " + first(["swift", "--version"]),
        "machine:   " + "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu), " + first(["uname", "-sr"]),
        "broker:    " + first(["mosquitto", "-h"]),
        "load:      loadavg \(load) at start (two cores shared with other builds: figures of one moment)",
        "disk:      device files and the store in /var/tmp (" + first(["stat", "-f", "-c", "%T", "/var/tmp"]) + ")",
    ]
}

var results: [Mode: [Figures]] = [:]
do {
    for line in describeRun() { say(line) }
    say(
        "Publishing \(count) Thin Edge JSON measurements at QoS 1 (window \(window), flood) on tedge/measurements, received at the "
            + "simulator's backend (TLS front end to its mosquitto); \(rounds) rounds alternating the mosquitto bridge and the "
            + "built-in bridge (durable store, synchronous=FULL); each round is `tedge connect az` ... `tedge disconnect az`.")
    for round in 1...rounds {
        for mode in Mode.allCases where onlyMode.isEmpty || mode.rawValue.hasPrefix(onlyMode) {
            let figures = try await run(mode)
            say(
                "round \(round)  \(mode.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0)) "
                    + String(
                        format:
                            "%6.0f msg/s  received %d of %d  p50 %.0f ms  peak %d KiB (flood %d)  idle %d KiB  disk %.0f B/msg  cpu %.2f s mapper, %.2f s broker, %.2f s cloud",
                        figures.rate, figures.received, count, figures.p50, figures.peakKiB, figures.floodPeakKiB,
                        figures.idleKiB,
                        figures.diskPerMessage,
                        figures.mapperCPU, figures.brokerCPU, figures.simulatorCPU))
            results[mode, default: []].append(figures)
        }
    }
} catch {
    stopEverything()
    throw error
}
stopEverything()
try? FileManager.default.removeItem(atPath: root)

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
for mode in Mode.allCases where results[mode] != nil {
    let runs = results[mode] ?? []
    say("")
    say(
        mode.rawValue
            + (mode == .builtIn
                ? " (tedge-mapper exec'd into tedge-mapper-bridge, one process)" : " (mosquitto's bridge; tedge-mapper az)"))
    say("  received     \(runs.map { String($0.received) }.joined(separator: ", ")) of \(count) each")
    say(
        String(format: "  throughput   median %.0f msg/s", median(runs.map(\.rate)))
            + " (\(runs.map { String(format: "%.0f", $0.rate) }.joined(separator: ", ")))")
    say(String(format: "  latency      median p50 %.2f ms, p99 %.2f ms", median(runs.map(\.p50)), median(runs.map(\.p99))))
    say(
        "  mapper       peak VmHWM \(runs.map { String($0.peakKiB) }.joined(separator: ", ")) KiB since start, "
            + "\(runs.map { String($0.floodPeakKiB) }.joined(separator: ", ")) KiB during the flood; idle VmRSS \(idleSeconds) s after: "
            + "\(runs.map { String($0.idleKiB) }.joined(separator: ", ")) KiB (process \(runs.last?.process ?? "?"))")
    say(
        "  CPU          mapper " + runs.map { String(format: "%.2f", $0.mapperCPU) }.joined(separator: ", ") + " s, broker "
            + runs.map { String(format: "%.2f", $0.brokerCPU) }.joined(separator: ", ") + " s, simulator (the cloud) "
            + runs.map { String(format: "%.2f", $0.simulatorCPU) }.joined(separator: ", ") + " s per round")
    say(
        (mode == .builtIn ? "  disk         mapper (store) " : "  disk         broker ")
            + runs.map { String(format: "%.0f", $0.diskPerMessage) }.joined(separator: ", ") + " B/msg written"
            + (mode == .builtIn
                ? "; local broker " + runs.map { String(format: "%.0f", $0.brokerDiskPerMessage) }.joined(separator: ", ")
                    + " B/msg" : ""))
}
let mosquittoRate = median((results[.mosquitto] ?? []).map(\.rate))
let builtInRate = median((results[.builtIn] ?? []).map(\.rate))
guard results.count == 2 else { exit(0) }
say("")
say(String(format: "built-in bridge: %.2f times the mosquitto bridge's throughput (target 1.3)", builtInRate / mosquittoRate))
