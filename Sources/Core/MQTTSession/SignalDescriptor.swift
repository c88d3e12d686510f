import Glibc

// signalfd(2) is not in Swift's Glibc module map; its C signature is stable.
@_silgen_name("signalfd")
private func systemSignalFD(_ descriptor: Int32, _ mask: UnsafePointer<sigset_t>, _ flags: Int32) -> Int32

/// SIGTERM/SIGINT as a readable descriptor in the forwarder's poll set: no handler, no global state, no Dispatch.
/// The signals are blocked (sigprocmask) so they queue on the descriptor instead of killing the process.
public final class SignalDescriptor {
    public let fileDescriptor: Int32
    private var previousMask = sigset_t()

    public init(signals: [Int32] = [SIGTERM, SIGINT]) throws(SignalDescriptorError) {
        var mask = sigset_t()
        sigemptyset(&mask)
        for number in signals { sigaddset(&mask, number) }
        guard sigprocmask(SIG_BLOCK, &mask, &previousMask) == 0 else {
            throw SignalDescriptorError(call: "sigprocmask", reason: SystemErrorText.describe(errno))
        }
        let descriptor = systemSignalFD(-1, &mask, Int32(O_NONBLOCK | O_CLOEXEC))
        guard descriptor >= 0 else {
            let reason = SystemErrorText.describe(errno)
            sigprocmask(SIG_SETMASK, &previousMask, nil)
            throw SignalDescriptorError(call: "signalfd", reason: reason)
        }
        fileDescriptor = descriptor
    }

    /// The signals that have arrived since the last call (empty when none).
    public func readSignals() -> [Int32] {
        var numbers: [Int32] = []
        // struct signalfd_siginfo is 128 bytes; ssi_signo is its first field.
        var information = [UInt8](repeating: 0, count: 128)
        while true {
            let count = information.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, 128) }
            guard count == 128 else { return numbers }
            numbers.append(Int32(information.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }))
        }
    }

    deinit {
        _ = Glibc.close(fileDescriptor)
        sigprocmask(SIG_SETMASK, &previousMask, nil)
    }
}
