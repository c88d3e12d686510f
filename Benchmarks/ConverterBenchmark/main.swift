// In-process cost of the Azure conversion (parse, validate, serialize), without any broker.
// Run: swift build -c release && .build/release/tedge-converter-benchmark [count]
import TedgeCloudAzure
import TedgeProviderAPI

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 200_000 : 200_000
var converter = AzureConverter(addTimestamp: true)
let payloads = (0..<1_000).map {
    MQTTMessage(
        topic: "tedge/measurements", text: "{\"seq\": \($0), \"sent\": \(Double($0) * 1.5), \"group\": {\"a\": 1, \"b\": 2.5}}")
}
var bytes = 0
let start = ContinuousClock.now
for index in 0..<count {
    if case .success(let outputs) = converter.convert(payloads[index % payloads.count]) { bytes += outputs[0].payload.count }
}
let elapsed = ContinuousClock.now - start
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print(
    "\(count) conversions in \(seconds) s: \(Int(Double(count) / seconds)) per second, \(seconds / Double(count) * 1e6) µs each (\(bytes) bytes out)"
)
