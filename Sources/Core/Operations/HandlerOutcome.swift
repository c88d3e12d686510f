/// How a handler ended, with what it wrote: stdout up to the runner's bound (`standardOutputOverflowed` when it
/// wrote more), the last bytes of stderr.
public struct HandlerOutcome: Sendable, Equatable {
    public enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        /// Still running at its deadline: its process group was killed.
        case timedOut
        /// It could not be started (the reason, e.g. posix_spawn's error).
        case failedToStart(String)
    }

    public var ending: Ending
    public var standardOutput: [UInt8]
    public var standardOutputOverflowed: Bool
    public var standardErrorTail: [UInt8]

    public init(
        _ ending: Ending, standardOutput: [UInt8] = [], standardOutputOverflowed: Bool = false, standardErrorTail: [UInt8] = []
    ) {
        self.ending = ending
        self.standardOutput = standardOutput
        self.standardOutputOverflowed = standardOutputOverflowed
        self.standardErrorTail = standardErrorTail
    }

    /// The last `count` non-empty lines of stderr, joined by newlines.
    public func standardErrorLines(last count: Int) -> String {
        let text = String(decoding: standardErrorTail, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        return lines.suffix(count).joined(separator: "\n")
    }
}
