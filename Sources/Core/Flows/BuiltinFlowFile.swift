import Glibc
import TedgeProviderAPI
import TedgeSystem

/// A flow file a mapper ships (`<name>.toml` in its flows directory), kept the way thin-edge 2.0 keeps its builtin
/// flows: `<name>.toml.template` always holds what the mapper would write now; `<name>.toml` is (re)written only while
/// it is missing or still equal to the previous template, so a file the user edited is never overwritten; with
/// `<name>.toml.disabled` present the flow file is not written at all.
public struct BuiltinFlowFile: Equatable, Sendable {
    /// What `install` did with `<name>.toml`.
    public enum Outcome: Equatable, Sendable {
        /// Written: there was none, or it was the previous template's text.
        case written
        /// Already the text to write.
        case unchanged
        /// Edited by the user: kept (only the template was refreshed).
        case keptUserEdits
        /// `<name>.toml.disabled` exists: not written.
        case disabled
    }

    /// `<directory>/<name>.toml`.
    public let path: String
    public let text: String

    public init(name: String, text: String, in directory: String) {
        path = FileSystem.join(directory, "\(name).toml")
        self.text = text
    }

    public var templatePath: String { path + ".template" }
    public var disabledPath: String { path + ".disabled" }

    /// Writes the template, then the flow file unless the user edited or disabled it; each atomically, and only when its
    /// text changes (a rewrite would reload the flow in a running mapper).
    public func install() throws(TedgeError) -> Outcome {
        try FileSystem.createDirectories(FileSystem.directory(of: path))
        let previousTemplate = try? FileSystem.readText(templatePath)
        if previousTemplate != text { try write(templatePath) }
        if FileSystem.exists(disabledPath) { return .disabled }
        guard let current = try? FileSystem.readText(path) else {
            try write(path)
            return .written
        }
        if current == text { return .unchanged }
        guard current == previousTemplate else { return .keptUserEdits }
        try write(path)
        return .written
    }

    /// The log line for an outcome (nil when nothing worth saying happened).
    public func describe(_ outcome: Outcome) -> String? {
        switch outcome {
        case .written: return "wrote \(path)"
        case .unchanged: return nil
        case .keptUserEdits: return "kept \(path) as edited; what the mapper would write is in \(templatePath)"
        case .disabled: return "\(path) is disabled (\(disabledPath)); what the mapper would write is in \(templatePath)"
        }
    }

    private func write(_ target: String) throws(TedgeError) {
        do {
            try AtomicFile.write(text, to: target, mode: 0o644, placement: .replace)
        } catch {
            throw TedgeError(error.description)
        }
    }
}
