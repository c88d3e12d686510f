/// A cloud endpoint as `az.url` / `c8y.url` hold it: `host` or `host:port`, never with a scheme.
public struct HostAndPort: Equatable, Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// The right form shown when a URL key names none of its own.
    public static let genericExample = "example.com"

    /// `example` is shown as the right form in errors (thin-edge's text, with the key's own example host).
    public init(parsing raw: String, defaultPort: Int, example exampleHost: String = HostAndPort.genericExample)
        throws(TedgeError)
    {
        let example = "\n         Provided URL should contain only domain, eg: '\(exampleHost)'."
        if raw.containsText("://") || raw.contains("/") {
            throw TedgeError("Provided URL: '\(raw)' contains scheme or port." + example)
        }
        var hostPart = Substring(raw)
        var portPart: Substring?
        if raw.hasPrefix("[") {
            guard let close = raw.firstIndex(of: "]") else {
                throw TedgeError("Provided URL: '\(raw)' is not a valid host name." + example)
            }
            hostPart = raw[raw.index(after: raw.startIndex)..<close]
            let rest = raw[raw.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw TedgeError("Provided URL: '\(raw)' is not a valid host name." + example) }
                portPart = rest.dropFirst()
            }
            guard IPAddress.isIPv6(String(hostPart)) else {
                throw TedgeError("Provided URL: '\(raw)' is not a valid host name." + example)
            }
        } else {
            let pieces = raw.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw TedgeError("Provided URL: '\(raw)' is not a valid host name." + example) }
            hostPart = pieces[0]
            if pieces.count == 2 { portPart = pieces[1] }
            guard HostAndPort.isHostName(hostPart) || IPAddress.isIPv4(String(hostPart)) else {
                throw TedgeError("Provided URL: '\(raw)' is not a valid host name." + example)
            }
        }
        host = String(hostPart)
        if let portPart {
            guard let port = Int(portPart), (1...65535).contains(port), portPart.allSatisfy(\.isASCII) else {
                throw TedgeError("Provided URL: '\(raw)' has an invalid port: the port must be a number from 1 to 65535.")
            }
            self.port = port
        } else {
            port = defaultPort
        }
    }

    /// `host:port` as mosquitto's `address` line wants it.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens.
    static func isHostName(_ text: Substring) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-" else { return false }
            return label.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
            }
        }
    }
}
