import CTedgeOpenSSL

/// Cryptographically strong random numbers from OpenSSL.
public enum SecureRandom {
    /// A random positive serial number for a certificate (63 bits, never zero).
    public static func certificateSerial() -> Int {
        var serial = 0
        _ = withUnsafeMutableBytes(of: &serial) { RAND_bytes($0.baseAddress, Int32($0.count)) }
        return (serial & Int.max) | 1
    }
}
