/// A handler to start: the executable (an absolute path inside the handler directory), what goes on its stdin, its
/// whole environment, and the moment (monotonic milliseconds) past which it is killed.
public struct HandlerRun: Sendable, Equatable {
    public var id: Int
    public var executable: String
    public var standardInput: [UInt8]
    public var environment: [String: String]
    public var deadline: Int64

    public init(id: Int, executable: String, standardInput: [UInt8], environment: [String: String], deadline: Int64) {
        self.id = id
        self.executable = executable
        self.standardInput = standardInput
        self.environment = environment
        self.deadline = deadline
    }
}
