/// posix_spawn's error number.
public struct CleanSpawnError: Error, Equatable {
    public let code: Int32
}
