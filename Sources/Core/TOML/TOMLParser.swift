/// The recursive-descent reader behind `TOMLDocument`. Works on UTF-8 bytes and tracks line and column.
struct TOMLParser {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func isBareKeyCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default: return false
        }
    }

    static func isBareKey(_ key: String) -> Bool { !key.isEmpty && key.utf8.allSatisfy(isBareKeyCharacter) }

    mutating func parseDocument() throws(TOMLSyntaxError) -> TOMLDocument {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw TOMLSyntaxError(line: 1, column: 1, reason: "the file is not valid UTF-8")
        }
        var document = TOMLDocument()
        var current = ""
        var definedTables: Set<String> = [""]
        var keysSeen: Set<String> = []
        while true {
            skipWhitespaceAndComments(newlines: true)
            guard let byte = peek else { break }
            if byte == UInt8(ascii: "[") {
                if peek(at: 1) == UInt8(ascii: "[") { throw error("arrays of tables are not supported") }
                advance()
                skipSpaces()
                let headerColumn = column
                let path = try parseKeyPath()
                guard path.allSatisfy(Self.isBareKey) else {
                    throw TOMLSyntaxError(
                        line: line, column: headerColumn, reason: "table names must be bare keys (letters, digits, _ and -)")
                }
                let name = path.joined(separator: ".")
                skipSpaces()
                try expect(UInt8(ascii: "]"), "expected `]` to close the table header")
                guard definedTables.insert(name).inserted else { throw error("duplicate table [\(name)]", atLineStart: true) }
                current = name
                try endOfLine()
                continue
            }
            let keyColumn = column
            let path = try parseKeyPath()
            guard path.dropLast().allSatisfy(Self.isBareKey) else {
                throw TOMLSyntaxError(line: line, column: keyColumn, reason: "the table parts of a dotted key must be bare keys")
            }
            skipSpaces()
            try expect(UInt8(ascii: "="), "expected `=` after the key")
            skipSpaces()
            let value = try parseValue()
            let table = ([current].filter { !$0.isEmpty } + path.dropLast()).joined(separator: ".")
            let key = path.last!
            let full = table + "\u{0}" + key
            guard keysSeen.insert(full).inserted else {
                throw TOMLSyntaxError(line: line, column: keyColumn, reason: "duplicate key `\(key)`")
            }
            document.set(table: table, key: key, value: value)
            try endOfLine()
        }
        return document
    }

    // MARK: keys

    private mutating func parseKeyPath() throws(TOMLSyntaxError) -> [String] {
        var parts = [try parseKey()]
        while true {
            skipSpaces()
            guard peek == UInt8(ascii: ".") else { return parts }
            advance()
            skipSpaces()
            parts.append(try parseKey())
        }
    }

    private mutating func parseKey() throws(TOMLSyntaxError) -> String {
        guard let byte = peek else { throw error("expected a key") }
        if byte == UInt8(ascii: "\"") { return try parseBasicString() }
        if byte == UInt8(ascii: "'") { return try parseLiteralString() }
        let start = index
        while let b = peek, Self.isBareKeyCharacter(b) { advance() }
        guard index > start else { throw error("expected a key, found `\(Self.show(byte))`") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    // MARK: values

    /// Arrays nested deeper than this are refused, before recursion can exhaust the stack.
    static let maximumDepth = 32

    private mutating func parseValue(depth: Int = 0) throws(TOMLSyntaxError) -> TOMLValue {
        guard let byte = peek else { throw error("expected a value") }
        switch byte {
        case UInt8(ascii: "\""):
            if peek(at: 1) == UInt8(ascii: "\""), peek(at: 2) == UInt8(ascii: "\"") {
                throw error("multi-line strings are not supported")
            }
            return .string(try parseBasicString())
        case UInt8(ascii: "'"):
            return .string(try parseLiteralString())
        case UInt8(ascii: "["):
            guard depth < Self.maximumDepth else { throw error("arrays nested deeper than \(Self.maximumDepth) levels") }
            return try parseArray(depth: depth + 1)
        case UInt8(ascii: "{"):
            throw error("inline tables are not supported")
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            if matches("true") { index += 4; return .boolean(true) }
            if matches("false") { index += 5; return .boolean(false) }
            throw error("expected a value, found `\(Self.show(byte))`")
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseInteger()
        default:
            throw error("expected a value, found `\(Self.show(byte))`")
        }
    }

    private mutating func parseInteger() throws(TOMLSyntaxError) -> TOMLValue {
        let startColumn = column
        let start = index
        if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { advance() }
        while let b = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || b == UInt8(ascii: "_") { advance() }
        if let b = peek,
            b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") || b == UInt8(ascii: ":")
                || b == UInt8(ascii: "x")
        {
            throw TOMLSyntaxError(line: line, column: startColumn, reason: "only decimal integers are supported")
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        let digits = text.filter { $0 != "_" }
        guard !text.hasSuffix("_"), !zip(text, text.dropFirst()).contains(where: { $0 == "_" && $1 == "_" }),
            let number = Int(digits)
        else {
            throw TOMLSyntaxError(line: line, column: startColumn, reason: "invalid integer `\(text)`")
        }
        return .integer(number)
    }

    private mutating func parseArray(depth: Int) throws(TOMLSyntaxError) -> TOMLValue {
        advance()
        var items: [TOMLValue] = []
        while true {
            skipWhitespaceAndComments(newlines: true)
            guard let byte = peek else { throw error("unterminated array") }
            if byte == UInt8(ascii: "]") { advance(); return .array(items) }
            items.append(try parseValue(depth: depth))
            skipWhitespaceAndComments(newlines: true)
            if peek == UInt8(ascii: ",") { advance(); continue }
            if peek == UInt8(ascii: "]") { advance(); return .array(items) }
            throw error(peek == nil ? "unterminated array" : "expected `,` or `]` in the array")
        }
    }

    private mutating func parseLiteralString() throws(TOMLSyntaxError) -> String {
        advance()
        let start = index
        while let b = peek, b != UInt8(ascii: "'") {
            if b == UInt8(ascii: "\n") { throw error("unterminated string") }
            if (b < 0x20 && b != UInt8(ascii: "\t")) || b == 0x7F { throw error("control character in a string") }
            advance()
        }
        guard peek != nil else { throw error("unterminated string") }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        advance()
        return text
    }

    private mutating func parseBasicString() throws(TOMLSyntaxError) -> String {
        advance()
        var out: [UInt8] = []
        while true {
            guard let b = peek, b != UInt8(ascii: "\n") else { throw error("unterminated string") }
            advance()
            if b == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            if (b < 0x20 && b != UInt8(ascii: "\t")) || b == 0x7F { throw error("control character in a string") }
            guard b == UInt8(ascii: "\\") else { out.append(b); continue }
            guard let escape = peek else { throw error("unterminated string") }
            advance()
            switch escape {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let count = escape == UInt8(ascii: "u") ? 4 : 8
                guard index + count <= bytes.count,
                    let value = UInt32(String(decoding: bytes[index..<index + count], as: UTF8.self), radix: 16),
                    let scalar = Unicode.Scalar(value)
                else { throw error("invalid unicode escape") }
                index += count
                out += Array(String(Character(scalar)).utf8)
            default:
                throw error("invalid escape `\\\(Self.show(escape))`")
            }
        }
    }

    // MARK: layout

    private mutating func endOfLine() throws(TOMLSyntaxError) {
        skipSpaces()
        if peek == UInt8(ascii: "#") { skipComment() }
        if peek == UInt8(ascii: "\r") { advance() }
        guard let byte = peek else { return }
        guard byte == UInt8(ascii: "\n") else { throw error("expected the end of the line, found `\(Self.show(byte))`") }
        newline()
    }

    private mutating func skipWhitespaceAndComments(newlines: Bool) {
        while let b = peek {
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") {
                advance()
            } else if b == UInt8(ascii: "#") {
                skipComment()
            } else if b == UInt8(ascii: "\n") && newlines {
                newline()
            } else {
                return
            }
        }
    }

    private mutating func skipSpaces() {
        while let b = peek, b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") { advance() }
    }

    private mutating func skipComment() {
        while let b = peek, b != UInt8(ascii: "\n") { advance() }
    }

    private mutating func newline() {
        advance()
        line += 1
        lineStart = index
    }

    private mutating func expect(_ byte: UInt8, _ reason: String) throws(TOMLSyntaxError) {
        guard peek == byte else { throw error(reason) }
        advance()
    }

    private func matches(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else { return false }
        let next = index + w.count < bytes.count ? bytes[index + w.count] : UInt8(ascii: " ")
        return !Self.isBareKeyCharacter(next)
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
    private func peek(at offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
    private mutating func advance() { index += 1 }

    /// Column in characters, counting from 1.
    private var column: Int { String(decoding: bytes[lineStart..<min(index, bytes.count)], as: UTF8.self).count + 1 }

    private func error(_ reason: String, atLineStart: Bool = false) -> TOMLSyntaxError {
        TOMLSyntaxError(line: line, column: atLineStart ? 1 : column, reason: reason)
    }

    private static func show(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
    }
}
