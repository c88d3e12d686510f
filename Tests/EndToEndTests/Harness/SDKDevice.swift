import Foundation
import TedgeProviderAPI
import TedgeRuntime
import TedgeTestSupport

/// A device program written with a cloud's own SDK (Tests/EndToEndTests/SDK/*.py), run with the
/// virtual environment's python that scripts/install-deps creates. Its output goes to a file the
/// test reads line by line.
final class SDKDevice: @unchecked Sendable {
    let output: String
    let process: ChildProcess

    static var python: String { Binaries.packageRoot + "/.venv-sdk/bin/python" }
    static func script(_ name: String) -> String { Binaries.packageRoot + "/Tests/EndToEndTests/SDK/" + name }

    /// Fails with a hint when the SDKs are not installed, rather than skipping: these tests must run.
    static func checkInstalled() throws {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw TedgeError("\(python) is missing: run scripts/install-deps to create the SDKs' virtual environment")
        }
    }

    init(script: String, arguments: [String], output: String) throws {
        try Self.checkInstalled()
        self.output = output
        process = try ChildProcess.spawn(
            [Self.python, Self.script(script)] + arguments, standardOutput: output, standardError: output)
    }

    /// Runs a script to completion.
    static func run(script: String, arguments: [String], timeout: Duration = .seconds(90)) async throws -> ChildProcess.Output {
        try checkInstalled()
        return try await ChildProcess.run([python, self.script(script)] + arguments, timeout: timeout)
    }

    var lines: [String] {
        ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The first line that starts with `prefix`, waiting for it up to `timeout`.
    func line(startingWith prefix: String, timeout: Duration = .seconds(60)) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = lines.first(where: { $0.hasPrefix(prefix) }) { return line }
            if await process.wait(timeout: .zero) != nil { return lines.first(where: { $0.hasPrefix(prefix) }) }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    deinit { process.stop() }
}
