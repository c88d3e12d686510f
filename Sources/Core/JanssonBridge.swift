import JSON

/// Core's door to the JSON wrapper module (so only Core's files that need it import JSON).
enum JanssonBridge {
    /// Decodes the body of a JSON string literal (without quotes).
    static func decodeString(_ raw: [UInt8]) throws -> String {
        guard case .string(let text) = try JanssonParser.parse([UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")]) else {
            throw Message("not a string")
        }
        return text
    }
}
