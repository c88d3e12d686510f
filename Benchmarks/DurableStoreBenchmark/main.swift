// The durable store alone: messages of about 100 bytes appended in batches of 1, 10 and 100 (each batch
// one transaction and one fsync, as the bridge will append one poll iteration's messages), then removed
// in groups of 100 as cloud acknowledgements would remove them. Each case in a fresh store, alternated
// over rounds. Glibc only, no Foundation, so the peak resident memory is the store's and the runtime's.
// Run: swift build -c release --static-swift-stdlib --scratch-path .build-static --product tedge-store-benchmark \
//        && .build-static/release/tedge-store-benchmark --messages 20000 --rounds 3
import Glibc
import TedgeDurableStore
import TedgeMessaging
import TedgeSQLite

let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: String) -> String {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
    return arguments[index + 1]
}
let count = Int(option("--messages", "20000")) ?? 20_000
let rounds = Int(option("--rounds", "3")) ?? 3
/// The stores go here: a disk (not tmpfs), or write_bytes stays 0.
let parent = option("--directory", "/var/tmp")
let batchSizes = [1, 10, 100]
let acknowledgementGroup = 100

func say(_ line: String) {
    var bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress, $0.count) }
}

/// The first line a command prints, or "unknown".
func firstLine(_ command: String) -> String {
    guard let pipe = popen(command + " 2>/dev/null", "r") else { return "unknown" }
    defer { pclose(pipe) }
    var buffer = [CChar](repeating: 0, count: 1024)
    guard fgets(&buffer, Int32(buffer.count), pipe) != nil else { return "unknown" }
    let line = String(decoding: buffer.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return line.isEmpty ? "unknown" : line
}

/// A `key: value` line of a /proc file, its first number.
func procField(_ path: String, _ key: String) -> Int {
    guard let file = fopen(path, "r") else { return 0 }
    defer { fclose(file) }
    var buffer = [CChar](repeating: 0, count: 512)
    while fgets(&buffer, Int32(buffer.count), file) != nil {
        let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard line.hasPrefix(key + ":") else { continue }
        return Int(line.dropFirst(key.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first ?? "")
            ?? 0
    }
    return 0
}

func seconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Starts the peak resident memory (VmHWM) afresh.
func resetPeakMemory() {
    guard let file = fopen("/proc/self/clear_refs", "w") else { return }
    fputs("5", file)
    fclose(file)
}

struct Figures {
    var appendRate: Double
    var removeRate: Double
    /// Bytes the process caused to be written to storage (write_bytes), per message.
    var appendDiskBytes: Double
    /// Bytes handed to write(2)/pwrite(2) (wchar), per message.
    var appendWrittenBytes: Double
    var removeDiskBytes: Double
    var peakKiB: Int
    var fileBytes: Int
}

let topic = "az/messages/events/"
/// About 100 bytes of Thin Edge JSON, the number making each one different.
func message(_ number: Int) -> MQTTMessage {
    let head = "{\"temperature\":21.5,\"humidity\":48.25,\"time\":\"2026-01-01T00:00:00Z\",\"n\":\(number)"
    let padding = String(repeating: " ", count: max(0, 99 - head.utf8.count))
    return MQTTMessage(topic: topic, text: head + padding + "}", qos: .atLeastOnce)
}

func run(batchSize: Int) throws -> Figures {
    var template = Array((parent + "/tedge-store-benchmark-XXXXXX").utf8CString)
    guard let created = mkdtemp(&template) else { fatalError("cannot create a directory in \(parent)") }
    let directory = String(cString: created)
    let path = directory + "/store.db"
    defer {
        for file in [path, path + "-wal", path + "-shm"] { unlink(file) }
        rmdir(directory)
    }
    resetPeakMemory()
    let store = try DurableStore(path: path, limits: DurableStoreLimits(maxSizeBytes: 1 << 30))
    let diskBefore = procField("/proc/self/io", "write_bytes")
    let charsBefore = procField("/proc/self/io", "wchar")
    var start = seconds()
    var index = 0
    while index < count {
        // Built per batch, as a poll iteration would: the peak memory is the store's, not a prepared flood's.
        _ = try store.append((index..<min(index + batchSize, count)).map(message))
        index += batchSize
    }
    let appendSeconds = seconds() - start
    let diskAfterAppend = procField("/proc/self/io", "write_bytes")
    let charsAfterAppend = procField("/proc/self/io", "wchar")
    var status = stat()
    let fileBytes =
        (stat(path, &status) == 0 ? Int(status.st_size) : 0) + (stat(path + "-wal", &status) == 0 ? Int(status.st_size) : 0)
    start = seconds()
    var acknowledged = 0
    while acknowledged < count {
        acknowledged = min(acknowledged + acknowledgementGroup, count)
        try store.remove(upTo: Int64(acknowledged))
    }
    let removeSeconds = seconds() - start
    guard store.metrics.queued.messages == 0 else { fatalError("messages left after removal") }
    let diskAfterRemove = procField("/proc/self/io", "write_bytes")
    return Figures(
        appendRate: Double(count) / appendSeconds, removeRate: Double(count) / removeSeconds,
        appendDiskBytes: Double(diskAfterAppend - diskBefore) / Double(count),
        appendWrittenBytes: Double(charsAfterAppend - charsBefore) / Double(count),
        removeDiskBytes: Double(diskAfterRemove - diskAfterAppend) / Double(count),
        peakKiB: procField("/proc/self/status", "VmHWM"), fileBytes: fileBytes)
}

func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
/// Rounded to a whole number.
func fixed(_ value: Double) -> String { value.isFinite ? String(Int(value.rounded())) : "-" }

var machine = utsname()
uname(&machine)
func text<T>(_ field: T) -> String {
    withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
}
let binary = arguments[0]
let repository = String(binary[..<(binary.lastIndex(of: "/") ?? binary.startIndex)])
let cpuLine = firstLine("grep -m1 '^model name' /proc/cpuinfo")
let cpu = cpuLine.split(separator: ":", maxSplits: 1).last.map { String($0.drop { $0 == " " }) } ?? "unknown"
let dirty = firstLine("git -C '\(repository)' status --porcelain --untracked-files=no") != "unknown"
say("command:   " + arguments.map { $0.contains("/") ? String($0.split(separator: "/").last!) : $0 }.joined(separator: " "))
say("commit:    " + firstLine("git -C '\(repository)' rev-parse HEAD") + (dirty ? " (with uncommitted changes)" : ""))
say("toolchain: " + firstLine("swift --version"))
say("machine:   \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) cores, \(cpu), \(text(machine.sysname)) \(text(machine.release))")
say("sqlite:    \(SQLiteConnection.libraryVersion) (the system's libsqlite3), WAL, synchronous=FULL for appends")
say("memory:    VmRSS \(procField("/proc/self/status", "VmRSS")) KiB at start (runtime and libraries, before any store)")
say("disk:      stores in \(parent) (\(firstLine("stat -f -c %T '\(parent)'")))")
say(
    "Appending \(count) messages of \(StoredMessage.size(of: message(0))) bytes (topic and payload) in batches of "
        + batchSizes.map(String.init).joined(separator: ", ")
        + " (one transaction and one fsync each), then removing them \(acknowledgementGroup) at a time; a fresh store per case, \(rounds) rounds alternating."
)
var results: [Int: [Figures]] = [:]
for round in 1...rounds {
    for batchSize in batchSizes {
        let figures = try run(batchSize: batchSize)
        results[batchSize, default: []].append(figures)
        say(
            "round \(round)  batch \(pad(String(batchSize), 3))  append \(pad(fixed(figures.appendRate), 7)) msg/s  "
                + "disk \(pad(fixed(figures.appendDiskBytes), 6)) B/msg (written \(pad(fixed(figures.appendWrittenBytes), 6)))  "
                + "remove \(pad(fixed(figures.removeRate), 7)) msg/s (disk \(pad(fixed(figures.removeDiskBytes), 5)) B/msg)  "
                + "file \(figures.fileBytes / 1024) KiB  peak \(figures.peakKiB) KiB")
    }
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
say("")
say("batch  append (median)   disk per message (median)   written per message   remove (median)   peak VmHWM")
for batchSize in batchSizes {
    let runs = results[batchSize] ?? []
    say(
        "\(pad(String(batchSize), 5))  \(pad(fixed(median(runs.map(\.appendRate))), 8)) msg/s   "
            + "\(pad(fixed(median(runs.map(\.appendDiskBytes))), 8)) B                  "
            + "\(pad(fixed(median(runs.map(\.appendWrittenBytes))), 8)) B            "
            + "\(pad(fixed(median(runs.map(\.removeRate))), 7)) msg/s    \(runs.map(\.peakKiB).max() ?? 0) KiB")
}
