import Glibc

/// A system call that failed while starting a handler.
struct SpawnError: Error, CustomStringConvertible {
    let call: String
    let code: Int32

    init(_ call: String, _ code: Int32) {
        self.call = call
        self.code = code
    }

    var description: String {
        let text = strerror(code).map { String(cString: $0) } ?? "error \(code)"
        return call == "posix_spawn" ? text : "\(call): \(text)"
    }
}
