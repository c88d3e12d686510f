// Messages per second through the flow engine in process (no broker): a flow of builtin steps only (the az
// `mea.toml`) against a flow of one Lua step (a ThingsBoard-style transform), rounds alternating.
// Run: swift build -c release --product tedge-flows-benchmark && .build/release/tedge-flows-benchmark --messages 100000 --rounds 3
import Glibc
import TedgeCloudAzure
import TedgeFlows

func option(_ name: String, default value: Int) -> Int {
    guard let index = CommandLine.arguments.firstIndex(of: name), index + 1 < CommandLine.arguments.count else { return value }
    return Int(CommandLine.arguments[index + 1]) ?? value
}

let messages = option("--messages", default: 100_000)
let rounds = option("--rounds", default: 3)

func write(_ text: String, to path: String) {
    guard let file = fopen(path, "w") else { fatalError("cannot write \(path)") }
    fputs(text, file)
    fclose(file)
}

func flowsDirectory(_ files: [String: String]) -> String {
    var template = Array("/tmp/tedge-flows-benchmark-XXXXXX".utf8CString)
    guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { fatalError("mkdtemp") }
    let directory = String(cString: created)
    for (name, text) in files { write(text, to: directory + "/" + name) }
    return directory
}

let builtin = flowsDirectory(["mea.toml": AzureBuiltinFlows.measurements(version: "benchmark").text])
let lua = flowsDirectory([
    "telemetry.lua": """
    function onMessage(message, context)
        local values = json.decode(message.payload)
        return { topic = "v1/devices/me/telemetry", payload = json.encode({ ts = math.floor(message.time * 1000), values = values }) }
    end
    """,
    "telemetry.toml": "input.mqtt.topics = [\"te/+/+/+/+/m/+\"]\nsteps = [{ script = \"telemetry.lua\" }]\n",
])

let inputs = (0..<1_000).map { FlowMessage(topic: "te/device/main///m/env", text: "{\"temperature\":\(20 + $0 % 10)}") }

/// Messages per second, and the first output as a sample (checked: one output per input, no error).
func run(_ directory: String) -> (rate: Double, sample: String) {
    let engine = FlowEngine(directory: directory)
    _ = engine.start()
    precondition(engine.brokenFlows.isEmpty && engine.flows.count == 1, "flow did not load: \(engine.brokenFlows)")
    var sample = ""
    var outputs = 0
    let start = ContinuousClock.now
    for index in 0..<messages {
        let output = engine.process(inputs[index % inputs.count])
        precondition(output.errors.isEmpty, "error: \(output.errors)")
        outputs += output.messages.count
        if index == 0 { sample = output.messages.first?.line ?? "" }
    }
    let elapsed = ContinuousClock.now - start
    precondition(outputs == messages, "\(outputs) outputs for \(messages) inputs")
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return (Double(messages) / seconds, sample)
}

func peakResidentKiB() -> Int {
    guard let file = fopen("/proc/self/status", "r") else { return 0 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("VmHWM:") { return Int(text.dropFirst(6).filter(\.isNumber)) ?? 0 }
    }
    return 0
}

let cases = [("builtin steps only (az mea.toml)", builtin), ("one Lua step (ThingsBoard transform)", lua)]
print("Running \(messages) te/ measurements through each flow in process, \(rounds) rounds alternating.")
var rates: [[Double]] = cases.map { _ in [] }
var samples: [String] = cases.map { _ in "" }
for round in 1...rounds {
    for (index, (name, directory)) in cases.enumerated() {
        let (rate, sample) = run(directory)
        rates[index].append(rate)
        samples[index] = sample
        print("round \(round)  \(name + String(repeating: " ", count: max(1, 40 - name.count))) \(Int(rate)) msg/s")
    }
}
print("")
var medians: [Double] = []
for (index, (name, _)) in cases.enumerated() {
    let median = rates[index].sorted()[rates[index].count / 2]
    medians.append(median)
    print(name)
    print("  throughput   median \(Int(median)) msg/s (\(rates[index].map { String(Int($0)) }.joined(separator: ", ")))")
    print("  per message  \(String(Int(1e9 / median))) ns")
    print("  sample       \(samples[index])")
}
print("")
print("Lua step / builtin steps: \(Int(medians[1] / medians[0] * 100)) % of the throughput")
print("peak RSS (VmHWM): \(peakResidentKiB()) KiB")
