import OpenSSL

/// Standard base64 (RFC 4648 section 4, padded) for providers, e.g. Cumulocity's JWT payload.
public enum Base64Text {
    /// nil unless the text is well-formed padded base64.
    public static func decode(_ text: String) -> [UInt8]? { Base64.decode(text) }
    public static func encode(_ bytes: [UInt8]) -> String { Base64.encode(bytes) }
}
