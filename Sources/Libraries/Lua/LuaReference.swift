/// A value held in a state's registry (a function or a table built once), pushed again by reference.
/// Valid only with the state that made it.
public struct LuaReference: Equatable, Hashable, Sendable {
    let index: Int32
}
