import Foundation

/// Where the package's built executables and scripts are.
enum Binaries {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }  // Tests/EndToEndTests/Harness/Binaries.swift
        return url.path
    }()

    static let directory: String = {
        if let override = ProcessInfo.processInfo.environment["TEDGE_BIN_DIR"] { return override }
        return packageRoot + "/.build/debug"
    }()

    static var tedge: String { directory + "/tedge" }
    static var mapper: String { directory + "/tedge-mapper" }
    static var simulator: String { directory + "/tedge-cloud-sim" }
    static func script(_ name: String) -> String { packageRoot + "/scripts/" + name }

    /// `az.topics` / `aws.topics` for tests of the legacy flow: the default without `status/health`, so the
    /// mapper's own `up` (forwarded like any service's health) does not interleave with what they publish.
    static let teTopicsWithoutHealth = "te/+/+/+/+/m/+,te/+/+/+/+/e/+,te/+/+/+/+/a/+"
}
