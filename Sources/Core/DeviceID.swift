/// Device ids as thin-edge accepts them: 1 to 64 bytes of `A-Z a-z 0-9 ' = ( ) , - . ? % * _ ! @`.
public enum DeviceID {
    static let allowedPunctuation = Set("'=(),-.?%*_!@".utf8)

    public static func validate(_ id: String) throws(Message) {
        if id.isEmpty { throw Message("The empty string cannot be used as a name") }
        let quoted = "\"" + id.replacingBackslashesAndQuotes() + "\""
        if id.utf8.count > 64 {
            throw Message("The string '\(quoted)' is more than 64 characters long and cannot be used as a name")
        }
        let valid = id.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || allowedPunctuation.contains(byte)
        }
        if !valid {
            throw Message("The string '\(quoted)' contains characters which cannot be used in a name [use only A-Z, a-z, 0-9, ' = ( ) , - . ? % * _ ! @]")
        }
    }
}

extension String {
    /// Escapes `\` and `"` the way a debug-quoted string shows them.
    func replacingBackslashesAndQuotes() -> String {
        var out = ""
        for character in self {
            if character == "\\" || character == "\"" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
