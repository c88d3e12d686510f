/// Whether a handler file can be run, as the runtime finds it on disk.
public enum HandlerLookup: Sendable, Equatable {
    case executable
    case missing
    /// There, but not a regular file with an execute bit (the reason).
    case notExecutable(String)
}
