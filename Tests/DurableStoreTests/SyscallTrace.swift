/// An `strace -f -y` log of a probe, read as the events the durability argument is about: writes and
/// syncs of the store's files, and the probe's "ACK" lines on standard output.
struct SyscallTrace {
    enum Event: Equatable {
        case storeWrite(path: String)
        case storeSync(path: String)
        case acknowledgement(String)
    }

    let events: [Event]

    /// `storeFiles`: the database and its WAL, as strace prints their paths after the descriptor.
    init(log: String, storeFiles: Set<String>) {
        var events: [Event] = []
        for line in log.split(separator: "\n") {
            // "<pid>  <call>(<fd></path>>, ..." (or without the pid when strace follows one process)
            guard let open = line.firstIndex(of: "(") else { continue }
            let call = line[..<open].split(separator: " ").last.map(String.init) ?? ""
            let arguments = line[line.index(after: open)...]
            guard let pathStart = arguments.firstIndex(of: "<"), let pathEnd = arguments.firstIndex(of: ">") else { continue }
            let path = String(arguments[arguments.index(after: pathStart)..<pathEnd])
            let isStoreFile = storeFiles.contains(path)
            if isStoreFile && (call == "fsync" || call == "fdatasync") {
                events.append(.storeSync(path: path))
            } else if isStoreFile && ["write", "pwrite64", "pwritev", "writev"].contains(call) {
                events.append(.storeWrite(path: path))
            } else if call == "write" && arguments.hasPrefix("1<") && arguments.contains("\"ACK ") {
                let text = arguments.split(separator: "\"")[1]
                events.append(.acknowledgement(String(text.prefix { $0 != "\\" })))
            }
        }
        self.events = events
    }

    /// The events before each acknowledgement, back to the previous one.
    var intervals: [(acknowledgement: String, before: [Event])] {
        var intervals: [(String, [Event])] = []
        var current: [Event] = []
        for event in events {
            if case .acknowledgement(let text) = event {
                intervals.append((text, current))
                current = []
            } else {
                current.append(event)
            }
        }
        return intervals
    }

    var syncCount: Int { events.count { if case .storeSync = $0 { true } else { false } } }
}
