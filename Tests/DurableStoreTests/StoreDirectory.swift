import Glibc
import TedgeDurableStore
import TedgeMessaging

/// A temporary directory of its own for each test, removed with everything in it (flat: the store,
/// its WAL, salvage files, trace logs).
final class StoreDirectory {
    let path: String

    init() {
        var template = Array("/tmp/durable-store-test-XXXXXX".utf8CString)
        path = String(cString: mkdtemp(&template)!)
    }

    deinit {
        for name in entries() { unlink(path + "/" + name) }
        rmdir(path)
    }

    var store: String { path + "/store.db" }

    func entries() -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}

/// The time, set by hand.
final class ManualWallClock: WallClock {
    var millisecondsSinceEpoch: Int64

    init(_ start: Int64 = 1_750_000_000_000) { millisecondsSinceEpoch = start }

    func advance(seconds: Int64) { millisecondsSinceEpoch += seconds * 1000 }
}

/// Message `number`: its number in the payload, padded to `size` bytes.
func numbered(_ number: Int, size: Int = 100, topic: String = "az/messages/events/") -> MQTTMessage {
    let text = "\(number) "
    let padding = [UInt8](repeating: UInt8(ascii: "x"), count: max(0, size - text.utf8.count))
    return MQTTMessage(topic: topic, payload: Array(text.utf8) + padding, qos: .atLeastOnce)
}

/// The number a `numbered` message (or a probe's message) carries.
func number(of message: MQTTMessage) -> Int? {
    Int(String(decoding: message.payload.prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self))
}

/// The file's bytes, or nil when it cannot be read.
func readFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count == 0 { break }
        bytes += buffer[0..<count]
    }
    return bytes
}

func writeFile(_ path: String, _ bytes: [UInt8]) {
    let file = fopen(path, "wb")!
    _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    fclose(file)
}

func fileSize(_ path: String) -> Int {
    var status = stat()
    return stat(path, &status) == 0 ? Int(status.st_size) : -1
}
