import Glibc
import TedgeMQTTSession

/// A real mosquitto on a free loopback port, in its own temporary directory; stopped by PID.
final class MosquittoBroker {
    let port: UInt16
    private let pid: pid_t
    private let directory: String

    /// On `port`, or a free one.
    init(port: UInt16? = nil) throws {
        var template = Array("/tmp/mqtt-session-test-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw TestSetupError("mkdtemp failed") }
        directory = String(cString: created)
        self.port = try port ?? MosquittoBroker.freeLoopbackPort()
        // The publisher outpaces a 20-message in-flight window; mosquitto would drop beyond 1000 queued.
        var configuration =
            "listener \(self.port) 127.0.0.1\nallow_anonymous true\npersistence false\n"
            + "max_queued_messages 10000\n"
        if getuid() == 0 { configuration += "user root\n" }
        let configurationPath = directory + "/mosquitto.conf"
        guard let file = fopen(configurationPath, "w") else { throw TestSetupError("cannot write the config") }
        fputs(configuration, file)
        fclose(file)
        pid = try MosquittoBroker.spawn(["/usr/sbin/mosquitto", "-c", configurationPath])
        try waitUntilListening()
    }

    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        unlink(directory + "/mosquitto.conf")
        rmdir(directory)
    }

    /// posix_spawn with an empty signal mask and default dispositions: Swift Testing's threads block signals,
    /// and a broker that inherited that mask would ignore SIGTERM.
    static func spawn(_ arguments: [String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, &cArguments, environ)
        guard result == 0 else { throw TestSetupError("posix_spawn \(arguments[0]): \(result)") }
        return pid
    }

    static func freeLoopbackPort() throws -> UInt16 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw TestSetupError("cannot find a free port") }
        return UInt16(bigEndian: address.sin_port)
    }

    private func waitUntilListening() throws {
        for _ in 0..<250 {
            let probe = TCPTransport(host: "127.0.0.1", port: port)
            defer { probe.close() }
            var progress = probe.finishConnecting()
            for _ in 0..<50 where progress == .inProgress {
                usleep(2_000)
                progress = probe.finishConnecting()
            }
            if progress == .connected { return }
            usleep(20_000)
        }
        throw TestSetupError("mosquitto did not start listening on \(port)")
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
