import Foundation
import TedgeProviderAPI
import TedgeRuntime

/// Waiting for a child process from async test code, on a thread of its own (`OwnThread`): the synchronous
/// calls (`waitpid`, sleeps) would hold a thread of Swift's cooperative pool for as long as the child runs.
/// In an async context the compiler picks these overloads: an async test or helper waits off the pool without care.
extension ChildProcess {
    /// `run(_:environment:standardInput:timeout:)`, waited for off the cooperative pool.
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], standardInput: String? = nil,
        timeout: Duration = .seconds(120)
    ) async throws(TedgeError) -> Output {
        let result = await OwnThread.run {
            Result { () throws(TedgeError) in
                try ChildProcess.run(arguments, environment: environment, standardInput: standardInput, timeout: timeout)
            }
        }
        return try result.get()
    }

    /// `wait(timeout:)`, off the cooperative pool.
    @discardableResult
    public func wait(timeout: Duration) async -> Status? {
        await OwnThread.run { self.wait(timeout: timeout) as Status? }
    }
}
