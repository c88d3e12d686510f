import TedgeJSON

/// Decodes JSON string escapes through jansson, the one JSON parser of this build.
enum JSONStringDecoder {
    /// Decodes the body of a JSON string literal (without quotes).
    static func decodeString(_ raw: [UInt8]) throws -> String {
        guard case .string(let text) = try JanssonParser.parse([UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")]) else {
            throw NotAString()
        }
        return text
    }
}

/// The raw bytes did not form one JSON string.
struct NotAString: Error {}
