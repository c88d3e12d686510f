/// The recursive-descent reader behind `TOMLDocument` (tedge.toml's subset, refusing the rest) and
/// `TOMLTable` (`full`: inline tables, arrays of tables, floats, multi-line strings). Works on UTF-8
/// bytes and tracks line and column.
struct TOMLParser {
    private let bytes: [UInt8]
    private let full: Bool
    private var index = 0
    private var line = 1
    private var lineStart = 0

    init(_ bytes: [UInt8], full: Bool = false) {
        self.bytes = bytes
        self.full = full
    }

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

    mutating func parseTable() throws(TOMLSyntaxError) -> TOMLTable {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw TOMLSyntaxError(line: 1, column: 1, reason: "the file is not valid UTF-8")
        }
        var builder = TOMLTableBuilder()
        while true {
            skipWhitespaceAndComments(newlines: true)
            guard let byte = peek else { break }
            let startColumn = column
            if byte == UInt8(ascii: "[") {
                let array = peek(at: 1) == UInt8(ascii: "[")
                index += array ? 2 : 1
                skipSpaces()
                let path = try parseKeyPath()
                skipSpaces()
                try expect(UInt8(ascii: "]"), "expected `]` to close the table header")
                if array { try expect(UInt8(ascii: "]"), "expected `]]` to close the array of tables header") }
                do { try builder.header(path, array: array, line: line) } catch {
                    throw TOMLSyntaxError(line: line, column: startColumn, reason: error.reason)
                }
                try endOfLine()
                continue
            }
            let path = try parseKeyPath()
            skipSpaces()
            try expect(UInt8(ascii: "="), "expected `=` after the key")
            skipSpaces()
            let keyLine = line
            let value = try parseValue()
            do { try builder.assign(path, value, line: keyLine) } catch {
                throw TOMLSyntaxError(line: keyLine, column: startColumn, reason: error.reason)
            }
            try endOfLine()
        }
        return builder.table
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
                guard full else { throw error("multi-line strings are not supported") }
                return .string(try parseMultilineString(literal: false))
            }
            return .string(try parseBasicString())
        case UInt8(ascii: "'"):
            if full, peek(at: 1) == UInt8(ascii: "'"), peek(at: 2) == UInt8(ascii: "'") {
                return .string(try parseMultilineString(literal: true))
            }
            return .string(try parseLiteralString())
        case UInt8(ascii: "["):
            guard depth < Self.maximumDepth else { throw error("arrays nested deeper than \(Self.maximumDepth) levels") }
            return try parseArray(depth: depth + 1)
        case UInt8(ascii: "{"):
            guard full else { throw error("inline tables are not supported") }
            guard depth < Self.maximumDepth else { throw error("tables nested deeper than \(Self.maximumDepth) levels") }
            return try parseInlineTable(depth: depth + 1)
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            if matches("true") { index += 4; return .boolean(true) }
            if matches("false") { index += 5; return .boolean(false) }
            throw error("expected a value, found `\(Self.show(byte))`")
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return full ? try parseNumber() : try parseInteger()
        case UInt8(ascii: "i"), UInt8(ascii: "n"):
            guard full else { throw error("expected a value, found `\(Self.show(byte))`") }
            return try parseNumber()
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

    /// A full file's number: decimal, hexadecimal, octal or binary integers, floats, `inf` and `nan`.
    private mutating func parseNumber() throws(TOMLSyntaxError) -> TOMLValue {
        let startColumn = column
        let start = index
        while let b = peek, Self.isBareKeyCharacter(b) || [UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: ":")].contains(b) {
            advance()
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        let invalid = TOMLSyntaxError(line: line, column: startColumn, reason: "invalid number `\(text)`")
        let negative = text.hasPrefix("-")
        let unsigned = negative || text.hasPrefix("+") ? String(text.dropFirst()) : text
        if unsigned == "inf" { return .float(negative ? -.infinity : .infinity) }
        if unsigned == "nan" { return .float(.nan) }
        if text.contains(":") || (unsigned.count > 4 && unsigned.dropFirst(4).hasPrefix("-")) {
            throw TOMLSyntaxError(line: line, column: startColumn, reason: "dates and times are not supported")
        }
        // An underscore sits between two digits.
        let characters = Array(unsigned)
        for (offset, character) in characters.enumerated() where character == "_" {
            guard offset > 0, offset + 1 < characters.count, characters[offset - 1].isHexDigit, characters[offset + 1].isHexDigit
            else { throw invalid }
        }
        let digits = unsigned.filter { $0 != "_" }
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where digits.hasPrefix(prefix) {
            guard text == unsigned, let number = Int(digits.dropFirst(2), radix: radix) else { throw invalid }
            return .integer(number)
        }
        guard let first = digits.first, first.isASCII, first.isNumber else { throw invalid }
        let integerPart = digits.prefix { $0.isASCII && $0.isNumber }
        if integerPart.count > 1 && integerPart.hasPrefix("0") { throw invalid }
        guard digits.contains(".") || digits.contains("e") || digits.contains("E") else {
            guard let number = Int(negative ? "-" + digits : digits) else { throw invalid }
            return .integer(number)
        }
        // A point has a digit on each side; Swift's parser would take `1.` and `1.e5`.
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.count == 1 || parts[1].first?.isNumber == true, digits.allSatisfy(\.isASCII),
            let number = Double(digits)
        else { throw invalid }
        return .float(negative ? -number : number)
    }

    private mutating func parseInlineTable(depth: Int) throws(TOMLSyntaxError) -> TOMLValue {
        advance()
        let builder = TOMLTableBuilder()
        skipSpaces()
        if peek == UInt8(ascii: "}") {
            advance()
            return .table(builder.table)
        }
        while true {
            skipSpaces()
            let keyColumn = column
            let path = try parseKeyPath()
            skipSpaces()
            try expect(UInt8(ascii: "="), "expected `=` after the key")
            skipSpaces()
            let value = try parseValue(depth: depth)
            do { try builder.assign(path, value, line: line) } catch {
                throw TOMLSyntaxError(line: line, column: keyColumn, reason: error.reason)
            }
            skipSpaces()
            if peek == UInt8(ascii: ",") {
                advance()
                continue
            }
            if peek == UInt8(ascii: "}") {
                advance()
                return .table(builder.table)
            }
            throw error("expected `,` or `}` in the inline table")
        }
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
            try decodeEscape(into: &out)
        }
    }

    /// A multi-line string: a newline right after the opening quotes is dropped; in the basic form a
    /// backslash at the end of a line drops the line break and the whitespace that follows.
    private mutating func parseMultilineString(literal: Bool) throws(TOMLSyntaxError) -> String {
        let quote = literal ? UInt8(ascii: "'") : UInt8(ascii: "\"")
        index += 3
        if peek == UInt8(ascii: "\r"), peek(at: 1) == UInt8(ascii: "\n") { advance() }
        if peek == UInt8(ascii: "\n") { newline() }
        var out: [UInt8] = []
        while true {
            guard let b = peek else { throw error("unterminated string") }
            if b == quote, peek(at: 1) == quote, peek(at: 2) == quote {
                index += 3
                // Up to two quotes just before the closing three belong to the string.
                for _ in 0..<2 where peek == quote {
                    out.append(quote)
                    advance()
                }
                return String(decoding: out, as: UTF8.self)
            }
            if b == UInt8(ascii: "\n") {
                out.append(b)
                newline()
                continue
            }
            advance()
            if (b < 0x20 && b != UInt8(ascii: "\t") && b != UInt8(ascii: "\r")) || b == 0x7F {
                throw error("control character in a string")
            }
            guard !literal, b == UInt8(ascii: "\\") else { out.append(b); continue }
            if isLineEndingBackslash { skipLineEndingWhitespace() } else { try decodeEscape(into: &out) }
        }
    }

    /// After a backslash: only spaces up to the end of the line.
    private var isLineEndingBackslash: Bool {
        var probe = index
        while probe < bytes.count, [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r")].contains(bytes[probe]) {
            probe += 1
        }
        return probe < bytes.count && bytes[probe] == UInt8(ascii: "\n")
    }

    private mutating func skipLineEndingWhitespace() {
        while let w = peek, [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n")].contains(w) {
            if w == UInt8(ascii: "\n") { newline() } else { advance() }
        }
    }

    /// After a backslash: appends what the escape stands for.
    private mutating func decodeEscape(into out: inout [UInt8]) throws(TOMLSyntaxError) {
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
