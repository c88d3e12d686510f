/// A Lua value as Swift sees it. Tables are read deeply into key/value pairs (in Lua's traversal
/// order, which is unspecified); functions and full userdata are not readable and come back as `other`.
public indirect enum LuaValue: Equatable, Sendable {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    /// Lua strings are bytes.
    case string([UInt8])
    case table([Entry])
    /// A light userdata's address: a sentinel a caller gives a meaning (a JSON null, say).
    case lightUserdata(UInt)
    /// Pushed from the registry; never produced when reading.
    case reference(LuaReference)
    /// A function, userdata or thread, by its Lua type name; pushed as nil.
    case other(String)

    public struct Entry: Equatable, Sendable {
        public var key: LuaValue
        public var value: LuaValue

        public init(_ key: LuaValue, _ value: LuaValue) {
            self.key = key
            self.value = value
        }
    }

    public static func text(_ text: String) -> LuaValue { .string(Array(text.utf8)) }

    /// A table with string keys, in the given order.
    public static func record(_ fields: [(String, LuaValue)]) -> LuaValue {
        .table(fields.map { Entry(.text($0.0), $0.1) })
    }

    /// A sequence: keys 1...n.
    public static func list(_ items: [LuaValue]) -> LuaValue {
        .table(items.enumerated().map { Entry(.integer(Int64($0.offset + 1)), $0.element) })
    }

    /// The string as UTF-8 text (invalid bytes repaired), nil for other types.
    public var textValue: String? {
        if case .string(let bytes) = self { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }

    /// A field of a table by string key.
    public subscript(field: String) -> LuaValue? {
        guard case .table(let entries) = self else { return nil }
        let key = LuaValue.text(field)
        return entries.first { $0.key == key }?.value
    }
}
