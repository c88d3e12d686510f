// durable-store-probe: appends numbered messages to a durable store in batches and writes "ACK <n>" to
// standard output (one write(2) per batch) after each append returns, n being the batch's last number.
// DurableStoreTests SIGKILL it at random moments and trace its system calls.
// Usage: durable-store-probe <store path> <first number> <count> <batch size>
import Glibc
import TedgeDurableStore
import TedgeMessaging

let arguments = CommandLine.arguments
guard arguments.count == 5, let first = Int(arguments[2]), let count = Int(arguments[3]), let batchSize = Int(arguments[4]),
    batchSize > 0
else {
    writeLine("usage: durable-store-probe <store path> <first number> <count> <batch size>", to: 2)
    exit(2)
}

/// About 100 bytes, the number first so the tests can read it back.
func payload(_ number: Int) -> [UInt8] {
    let text = "\(number) "
    return Array(text.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: max(0, 100 - text.utf8.count))
}

func writeLine(_ line: String, to descriptor: Int32 = 1) {
    var bytes = Array((line + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
        if written < 0 && errno == EINTR { continue }
        if written <= 0 { exit(3) }
        offset += written
    }
}

do {
    let store = try DurableStore(path: arguments[1], limits: DurableStoreLimits(maxSizeBytes: 1 << 30))
    var number = first
    while number < first + count {
        let last = min(number + batchSize, first + count) - 1
        let batch = (number...last).map { MQTTMessage(topic: "probe/messages", payload: payload($0), qos: .atLeastOnce) }
        _ = try store.append(batch)
        writeLine("ACK \(last)")
        number = last + 1
    }
    writeLine("DONE")
} catch {
    writeLine("durable-store-probe: \(error)", to: 2)
    exit(1)
}
