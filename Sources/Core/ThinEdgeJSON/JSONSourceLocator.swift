/// Finds where a value sits in a syntactically valid JSON text, so errors found after parsing can
/// still point into the input. A path is object keys from the root; `[]` is the root itself.
struct JSONSourceLocator {
    let bytes: [UInt8]

    /// Line and column (from 1) of the value at `path`, or of the root when the path is not found.
    func position(of path: [String]) -> (line: Int, column: Int) {
        let offset = self.offset(of: path) ?? firstNonSpace(from: 0)
        var line = 1
        var lineStart = 0
        for index in 0..<min(offset, bytes.count) where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        let column = String(decoding: bytes[lineStart..<min(offset, bytes.count)], as: UTF8.self).count + 1
        return (line, column)
    }

    private func offset(of path: [String]) -> Int? {
        var index = firstNonSpace(from: 0)
        for key in path {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
            index += 1
            var found: Int?
            while found == nil {
                index = firstNonSpace(from: index)
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
                let (name, afterKey) = readString(at: index)
                index = firstNonSpace(from: afterKey)
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index = firstNonSpace(from: index + 1)
                if name == key {
                    found = index
                } else {
                    index = firstNonSpace(from: skipValue(at: index))
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { return nil }
                    index += 1
                }
            }
            index = found!
        }
        return index
    }

    private func firstNonSpace(from start: Int) -> Int {
        var index = start
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        return index
    }

    /// The decoded string starting at the quote at `start`, and the index after its closing quote.
    private func readString(at start: Int) -> (String, Int) {
        var index = start + 1
        var raw: [UInt8] = []
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                raw += bytes[index...index + 1]
                index += 2
            } else {
                raw.append(bytes[index])
                index += 1
            }
        }
        let decoded = (try? JSONStringDecoder.decodeString(raw)) ?? String(decoding: raw, as: UTF8.self)
        return (decoded, index + 1)
    }

    private func skipValue(at start: Int) -> Int {
        guard start < bytes.count else { return start }
        switch bytes[start] {
        case UInt8(ascii: "\""): return readString(at: start).1
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""): index = readString(at: index).1; continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default: break
                }
                index += 1
            }
            return index
        default:
            var index = start
            while index < bytes.count,
                ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(bytes[index])
            {
                index += 1
            }
            return index
        }
    }
}
