import CTedgeOpenSSL

/// Standard base64 (RFC 4648 section 4) through OpenSSL's block encoder, strict on input.
public enum Base64 {
    public static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard !input.isEmpty, input.count % 4 == 0 else { return nil }
        var output = [UInt8](repeating: 0, count: input.count / 4 * 3)
        let length = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { EVP_DecodeBlock($0.baseAddress, source.baseAddress, Int32(source.count)) }
        }
        guard length >= 0 else { return nil }
        // EVP_DecodeBlock counts padding as zero bytes; drop them.
        let padding = input.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        return Array(output.prefix(Int(length) - padding))
    }

    public static func encode(_ bytes: [UInt8]) -> String {
        guard !bytes.isEmpty else { return "" }
        var output = [UInt8](repeating: 0, count: (bytes.count + 2) / 3 * 4 + 1)
        let length = bytes.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { EVP_EncodeBlock($0.baseAddress, source.baseAddress, Int32(source.count)) }
        }
        return String(decoding: output.prefix(Int(length)), as: UTF8.self)
    }
}
