/// TLS protocol versions, by their wire values.
public enum TLSVersion: Int32, Sendable {
    case tls11 = 0x0302
    case tls12 = 0x0303
    case tls13 = 0x0304
}
