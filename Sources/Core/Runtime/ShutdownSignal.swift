import Dispatch
import Glibc
import Synchronization

/// Waits for SIGTERM or SIGINT, so daemons can shut down gracefully instead of dying mid-message.
public final class ShutdownSignal: @unchecked Sendable {
    /// Immutable after init; dispatch sources are thread-safe.
    private let sources: [DispatchSourceSignal]
    private let continuation: Mutex<CheckedContinuation<Int32, Never>?> = Mutex(nil)
    private let received: Mutex<Int32?> = Mutex(nil)

    public init(signals: [Int32] = [SIGTERM, SIGINT]) {
        sources = signals.map { number in
            signal(number, SIG_IGN)
            return DispatchSource.makeSignalSource(signal: number, queue: .global())
        }
        for (source, number) in zip(sources, signals) {
            source.setEventHandler { [weak self] in self?.deliver(number) }
            source.resume()
        }
    }

    private func deliver(_ number: Int32) {
        let waiting: CheckedContinuation<Int32, Never>? = received.withLock { received in
            guard received == nil else { return nil }
            received = number
            return continuation.withLock { continuation in
                defer { continuation = nil }
                return continuation
            }
        }
        waiting?.resume(returning: number)
    }

    /// Returns the signal that arrived (at once if one already has).
    public func wait() async -> Int32 {
        await withCheckedContinuation { waiter in
            let already: Int32? = received.withLock { received in
                if received == nil { continuation.withLock { $0 = waiter } }
                return received
            }
            if let already { waiter.resume(returning: already) }
        }
    }

    deinit { sources.forEach { $0.cancel() } }
}
