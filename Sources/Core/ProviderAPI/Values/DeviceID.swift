/// Device ids as thin-edge accepts them: 1 to 64 bytes of `A-Z a-z 0-9 ' = ( ) , - . ? % * _ ! @`.
public enum DeviceID {
    static let allowedPunctuation = Set("'=(),-.?%*_!@".utf8)

    public static func validate(_ id: String) throws(TedgeError) {
        if id.isEmpty { throw TedgeError("The empty string cannot be used as a name") }
        let quoted = "\"" + id.replacingBackslashesAndQuotes() + "\""
        if id.utf8.count > 64 {
            throw TedgeError("The string '\(quoted)' is more than 64 characters long and cannot be used as a name")
        }
        let valid = id.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || allowedPunctuation.contains(byte)
        }
        if !valid {
            throw TedgeError(
                "The string '\(quoted)' contains characters which cannot be used in a name [use only A-Z, a-z, 0-9, ' = ( ) , - . ? % * _ ! @]"
            )
        }
    }
}
