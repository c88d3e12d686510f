import CTedgeOpenSSL

/// An X.509 name as an ordered list of attributes (`CN`, `O`, `OU`, ...), in certificate order.
public struct DistinguishedName: Equatable, Sendable, CustomStringConvertible {
    public struct Attribute: Equatable, Sendable {
        public let type: String
        public let value: String
        public init(_ type: String, _ value: String) {
            self.type = type
            self.value = value
        }
    }

    public let attributes: [Attribute]

    public init(_ attributes: [Attribute]) { self.attributes = attributes }

    /// `CN=my-device, O=Thin Edge, OU=Test Device`: the form `tedge cert show` prints.
    public var description: String {
        attributes.map { "\($0.type)=\($0.value)" }.joined(separator: ", ")
    }

    public var commonName: String? { attributes.first { $0.type == "CN" }?.value }

    init(reading name: OpaquePointer) {
        var result: [Attribute] = []
        for index in 0..<X509_NAME_entry_count(name) {
            guard let entry = X509_NAME_get_entry(name, index),
                let object = X509_NAME_ENTRY_get_object(entry),
                let data = X509_NAME_ENTRY_get_data(entry)
            else { continue }
            let nid = OBJ_obj2nid(object)
            let type = OBJ_nid2sn(nid).map { String(cString: $0) } ?? "UNKNOWN"
            let length = Int(ASN1_STRING_length(data))
            let value =
                ASN1_STRING_get0_data(data).map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                } ?? ""
            result.append(Attribute(type, value))
        }
        attributes = result
    }

    /// A newly allocated X509_NAME; the caller owns it.
    func makeX509Name() throws -> OpaquePointer {
        guard let name = X509_NAME_new() else { throw OpenSSLError.drain("allocate X.509 name") }
        for attribute in attributes {
            let bytes = Array(attribute.value.utf8)
            let added = bytes.withUnsafeBufferPointer {
                X509_NAME_add_entry_by_txt(name, attribute.type, MBSTRING_UTF8, $0.baseAddress, Int32($0.count), -1, 0)
            }
            guard added == 1 else {
                X509_NAME_free(name)
                throw OpenSSLError.drain("add \(attribute.type) to X.509 name")
            }
        }
        return name
    }
}
