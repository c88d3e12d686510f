import CTedgeOpenSSL

/// An owning wrapper for an OpenSSL memory BIO, used to move PEM text in and out of OpenSSL.
final class MemoryBIO {
    let pointer: OpaquePointer

    init() throws {
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLError.drain("allocate memory BIO") }
        pointer = bio
    }

    init(bytes: [UInt8]) throws {
        guard let bio = bytes.withUnsafeBytes({ BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }) else {
            throw OpenSSLError.drain("allocate memory BIO")
        }
        // BIO_new_mem_buf does not copy; keep our own copy alive as long as the BIO.
        pointer = bio
        retained = bytes
    }

    private var retained: [UInt8] = []

    var contents: [UInt8] {
        var data: UnsafeMutablePointer<CChar>?
        let length = tedge_bio_mem_data(pointer, &data)
        guard let data, length > 0 else { return [] }
        return data.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    var string: String { String(decoding: contents, as: UTF8.self) }

    deinit { BIO_free(pointer) }
}
