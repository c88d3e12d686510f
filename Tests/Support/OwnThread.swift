import Foundation

/// Blocking work awaited from async code without holding a thread of Swift's cooperative pool: with the
/// whole suite on two cores, two blocked pool threads stop every other test's awaits and timers.
public enum OwnThread {
    /// Runs `work` on a new thread and resumes the caller when it is done.
    public static func run<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: work()) }
        }
    }
}
