import CTedgeOpenSSL

/// SHA-1, used only for certificate thumbprints (what Azure's portal registers), never for security decisions of our own.
public enum SHA1 {
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = bytes.withUnsafeBytes { EVP_Digest($0.baseAddress, $0.count, &output, &length, EVP_sha1(), nil) }
        return Array(output.prefix(Int(length)))
    }

    /// Upper-case hex without separators, the form `openssl x509 -fingerprint -sha1` prints minus the colons.
    public static func hexDigest(_ bytes: [UInt8]) -> String {
        digest(bytes).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }
}
