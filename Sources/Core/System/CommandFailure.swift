import TedgeProviderAPI

/// A failed command as thin-edge reports it:
///
///     Error: failed to <what was tried>
///
///     Caused by:
///         <cause>
///
/// `action` is the command's description ("show the device certificate"), `causes` the chain from
/// the outermost to the root cause.
public struct CommandFailure: Error, CustomStringConvertible, Sendable {
    public let action: String
    public let causes: [String]

    public init(_ action: String, causes: [String]) {
        self.action = action
        self.causes = causes
    }

    public init(_ action: String, cause: any Error) {
        self.init(action, causes: CommandFailure.chain(of: cause))
    }

    /// The cause chain of an error: nested `CausedError`s unfold into several causes.
    public static func chain(of error: any Error) -> [String] {
        if let caused = error as? CausedError { return [caused.message] + chain(of: caused.underlying) }
        if let failure = error as? CommandFailure { return ["failed to \(failure.action)"] + failure.causes }
        return [String(describing: error)]
    }

    /// The text for stderr, ending with a newline.
    public var description: String {
        var text = "Error: failed to \(action)\n"
        guard !causes.isEmpty else { return text }
        text += "\nCaused by:\n"
        if causes.count == 1 {
            text += Self.indent(causes[0], first: "    ", rest: "    ")
        } else {
            for (index, cause) in causes.enumerated() {
                let number = String(index)
                let label = String(repeating: " ", count: max(0, 5 - number.count)) + number + ": "
                text += Self.indent(cause, first: label, rest: "       ")
            }
        }
        return text
    }

    private static func indent(_ message: String, first: String, rest: String) -> String {
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.enumerated().map { index, line in (index == 0 ? first : rest) + line }.joined(separator: "\n") + "\n"
    }
}
