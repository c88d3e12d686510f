import CTedgeJansson

/// Parses JSON text with jansson (strict RFC 8259: one value, no duplicate keys, UTF-8 checked)
/// and hands back `JSONValue`s. The one place jansson is used.
public enum JanssonParser {
    /// Nesting deeper than this is refused before it can exhaust the stack.
    public static let maximumDepth = 64

    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var error = json_error_t()
        let flags = JSON_REJECT_DUPLICATES | JSON_DECODE_ANY
        // An empty array may have no base address; jansson still needs a pointer.
        let input = bytes.isEmpty ? [0] : bytes
        let root: UnsafeMutablePointer<json_t>? = input.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                json_loadb($0, bytes.count, Int(flags), &error)
            }
        }
        guard let root else {
            let reason = withUnsafeBytes(of: error.text) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            throw JSONSyntaxError(
                reason: reason, line: max(1, Int(error.line)), column: max(0, Int(error.column)),
                offset: max(0, Int(error.position)))
        }
        defer { tedge_json_decref(root) }
        return try convert(root, depth: 0)
    }

    private static func convert(_ value: UnsafeMutablePointer<json_t>, depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth < maximumDepth else {
            throw JSONSyntaxError(reason: "nesting deeper than \(maximumDepth) levels", line: 1, column: 0, offset: 0)
        }
        switch tedge_json_type(value) {
        case JSON_OBJECT:
            var entries: [(key: String, value: JSONValue)] = []
            entries.reserveCapacity(json_object_size(value))
            var iterator = json_object_iter(value)
            while let current = iterator {
                let key = String(cString: json_object_iter_key(current))
                guard let child = json_object_iter_value(current) else { break }
                entries.append((key, try convert(child, depth: depth + 1)))
                iterator = json_object_iter_next(value, current)
            }
            return .object(entries)
        case JSON_ARRAY:
            var items: [JSONValue] = []
            for index in 0..<json_array_size(value) {
                if let child = json_array_get(value, index) { items.append(try convert(child, depth: depth + 1)) }
            }
            return .array(items)
        case JSON_STRING:
            let length = json_string_length(value)
            let text =
                json_string_value(value).map {
                    $0.withMemoryRebound(to: UInt8.self, capacity: length) {
                        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                    }
                } ?? ""
            return .string(text)
        case JSON_INTEGER: return .integer(Int64(json_integer_value(value)))
        case JSON_REAL: return .real(json_real_value(value))
        case JSON_TRUE: return .boolean(true)
        case JSON_FALSE: return .boolean(false)
        default: return .null
        }
    }
}
