import Glibc

// posix_spawn_file_actions_addclosefrom_np (glibc 2.34) needs _GNU_SOURCE, which Swift's Glibc module map lacks;
// its C signature is stable.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func spawnActionsAddCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32

/// `posix_spawn` for a child that starts clean: an empty signal mask and every signal at its default disposition
/// (threads that block signals, as Swift's test runners do, must not pass that on, or the child would ignore
/// SIGTERM), optionally in a process group of its own, and no descriptor but 0, 1 and 2: one another thread has
/// open (a file being written, without O_CLOEXEC) would stay open in a long-lived child, and executing that file
/// later fails with ETXTBSY ("Text file busy"). No shell: `arguments[0]` is the program, searched on PATH
/// only when `searchPath` says so.
public enum CleanSpawn {
    /// The child's pid, or posix_spawn's error number.
    public static func spawn(
        _ arguments: [String], environment: [String], actions: inout posix_spawn_file_actions_t, newProcessGroup: Bool,
        searchPath: Bool = false
    ) -> Result<pid_t, CleanSpawnError> {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if newProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        // After the caller's actions, which may dup2 into 0, 1 and 2.
        _ = spawnActionsAddCloseFrom(&actions, 3)

        var pid: pid_t = 0
        let program = arguments[0]
        let result = withCStrings(arguments) { argv in
            withCStrings(environment) { envp in
                searchPath
                    ? posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
                    : posix_spawn(&pid, program, &actions, &attributes, argv, envp)
            }
        }
        return result == 0 ? .success(pid) : .failure(CleanSpawnError(code: result))
    }

    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}
