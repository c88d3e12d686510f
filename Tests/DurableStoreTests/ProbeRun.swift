import Glibc
import TedgeRuntime

/// A run of `durable-store-probe` (or of strace running it): a `ChildProcess` whose standard output goes
/// to a file, read as it grows. The probe writes each line with one write(2), so what a reader sees of
/// the file is what the probe had said.
final class ProbeRun {
    let process: ChildProcess
    let outputPath: String

    /// The directory of the running test binary: SwiftPM puts the package's executables beside it.
    static let binDirectory: String = {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let path = String(decoding: buffer[0..<max(0, length)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    }()

    static var probe: String { binDirectory + "/durable-store-probe" }

    init(_ arguments: [String], outputPath: String) throws {
        self.outputPath = outputPath
        process = try ChildProcess.spawn(arguments, standardOutput: outputPath)
    }

    deinit { process.stop(grace: .seconds(1)) }

    /// The complete lines written so far.
    func lines() -> [String] {
        let text = String(decoding: readFile(outputPath) ?? [], as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// Waits until `count` lines were written or the process ended (at most a minute); the lines then.
    func waitForLines(_ count: Int) -> [String] {
        for _ in 0..<60_000 {
            let current = lines()
            if current.count >= count || process.wait(timeout: .zero) != nil { return lines() }
            usleep(1_000)
        }
        return lines()
    }

    /// Waits for the end (at most five minutes, then SIGKILL); whether it exited with 0.
    @discardableResult
    func finish() -> ChildProcess.Status {
        if let status = process.wait(timeout: .seconds(300)) { return status }
        process.signal(SIGKILL)
        return process.wait(timeout: .seconds(10)) ?? .signalled(SIGKILL)
    }
}
