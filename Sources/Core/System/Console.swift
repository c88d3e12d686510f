/// Where a command's text goes. Tests capture it; the CLI writes straight to file descriptors 1 and 2
/// (unbuffered, so lines interleave correctly with child processes and survive `exit`).
public struct Console: Sendable {
    public let write: @Sendable (String) -> Void

    public init(write: @escaping @Sendable (String) -> Void) { self.write = write }

    public static let standardOutput = Console { FileDescriptorWriter.writeAll(Array($0.utf8), to: 1) }
    public static let standardError = Console { FileDescriptorWriter.writeAll(Array($0.utf8), to: 2) }

    /// Writes `text` and a newline.
    public func line(_ text: String = "") { write(text + "\n") }
}
