/// What one Lua state may use: bytes of memory over its whole life, and Lua VM instructions per call.
public struct LuaLimits: Equatable, Sendable {
    /// Bytes the state's allocator hands out at most (thin-edge's `flows.memory.heap_size` default is 16 MiB).
    public var memory: Int
    /// Instructions one call may execute, counted by a hook. A single library call (one huge `string.rep`,
    /// one pathological pattern match) runs in C and is not interrupted; memory still bounds it.
    public var instructions: Int32

    public init(memory: Int = 16 * 1024 * 1024, instructions: Int32 = 10_000_000) {
        self.memory = memory
        self.instructions = instructions
    }
}
