import Synchronization
import TedgeSystem

/// A console that keeps what is written, for assertions.
final class ConsoleRecorder: Sendable {
    private let written = Mutex<[String]>([])

    var console: Console { Console { [self] text in written.withLock { $0.append(text) } } }
    var lines: [String] { written.withLock { $0 } }
}
