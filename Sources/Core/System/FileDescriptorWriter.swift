import Glibc

/// The one write-everything loop for file descriptors: retries on EINTR and short writes.
public enum FileDescriptorWriter {
    /// Writes all of `bytes`; nil on success, else the errno of the failed write.
    @discardableResult
    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if written == 0 { return EIO }
            offset += written
        }
        return nil
    }
}
