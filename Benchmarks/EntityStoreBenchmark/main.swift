// What a mapper's entity store costs: resident memory per registered entity (VmRSS from /proc/self/statm before
// and after building it, each reading after malloc_trim so that freed parsing garbage is not counted; the
// registrations themselves are in memory before the first reading), and the time to rebuild the store at start from retained registrations (parse and insert, in process;
// the broker's delivery of the retained messages is not included).
// Run: swift build -c release --product tedge-entity-store-benchmark && .build/release/tedge-entity-store-benchmark [children]
import Glibc
import TedgeMessaging
import TedgeTopics

let children = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 10_000 : 10_000

/// What the registrations of a fleet look like: children named as thin-edge's auto-registration names them, with a
/// type, and a service on each.
func registrations(_ count: Int) -> [MQTTMessage] {
    (0..<count).flatMap { index in
        [
            MQTTMessage(
                topic: "te/device/child\(index)//", text: #"{"@parent":"device/main//","@type":"child-device","name":"child\#(index)","type":"thin-edge.io-child"}"#,
                qos: .atLeastOnce, retain: true),
            MQTTMessage(
                topic: "te/device/child\(index)/service/tedge-agent",
                text: #"{"@parent":"device/child\#(index)//","@type":"service","name":"tedge-agent","type":"service"}"#,
                qos: .atLeastOnce, retain: true),
        ]
    }
}

/// glibc's malloc_trim, found at run time (malloc.h is not part of the Glibc module).
let mallocTrim: (@convention(c) (Int) -> Int32)? = dlsym(dlopen(nil, RTLD_NOW), "malloc_trim")
    .map { unsafeBitCast($0, to: (@convention(c) (Int) -> Int32).self) }

/// Resident bytes (the second field of /proc/self/statm, in pages), after giving freed heap back.
func residentBytes() -> Int {
    _ = mallocTrim?(0)
    guard let file = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(file) }
    var size = 0, resident = 0
    guard withUnsafeMutablePointer(to: &size, { s in withUnsafeMutablePointer(to: &resident) { r in
        fscanf_ints(file, s, r) }
    }) else { return 0 }
    return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Reads the first two numbers of statm without fscanf's C varargs (not importable).
func fscanf_ints(_ file: UnsafeMutablePointer<FILE>, _ first: UnsafeMutablePointer<Int>, _ second: UnsafeMutablePointer<Int>) -> Bool {
    var buffer = [CChar](repeating: 0, count: 128)
    guard fgets(&buffer, Int32(buffer.count), file) != nil else { return false }
    let fields = String(cString: buffer).split(separator: " ").compactMap { Int($0) }
    guard fields.count >= 2 else { return false }
    first.pointee = fields[0]
    second.pointee = fields[1]
    return true
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

print("Entity store: \(children) child devices with a service each (\(2 * children) entities), 3 rounds.")
let messages = registrations(children)
for round in 1...3 {
    let before = residentBytes()
    let start = ContinuousClock.now
    var store = EntityStore()
    for message in messages {
        guard case .registration(_, .registered) = store.receive(message) else { fatalError("not registered: \(message.topic)") }
    }
    let elapsed = seconds(ContinuousClock.now - start)
    let bytes = residentBytes() - before
    let entities = store.count - 1
    print(
        "round \(round)  \(entities) entities  rebuilt in \(Int(elapsed * 1000)) ms (\(Int(Double(messages.count) / elapsed)) registrations/s)"
            + "  resident +\(bytes / 1024) KiB, \(bytes / entities) bytes per entity")
    withExtendedLifetime(store) {}
}
withExtendedLifetime(messages) {}
