import Glibc

/// Where a command's text goes. Tests capture it; the CLI writes straight to file descriptors 1 and 2
/// (unbuffered, so lines interleave correctly with child processes and survive `exit`).
public struct Console: Sendable {
    public let write: @Sendable (String) -> Void

    public init(write: @escaping @Sendable (String) -> Void) { self.write = write }

    public static let standardOutput = Console { writeAll($0, to: 1) }
    public static let standardError = Console { writeAll($0, to: 2) }

    /// Writes `text` and a newline.
    public func line(_ text: String = "") { write(text + "\n") }

    private static func writeAll(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            bytes = bytes.dropFirst(written)
        }
    }
}
