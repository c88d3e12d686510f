import TedgeOpenSSL
import TedgeProviderAPI
import TedgeSystem

/// A minimal HTTP/1.1 client over TLS (one request per connection), enough for a cloud's REST calls.
/// It speaks the provider API's `HTTPRequest` and `HTTPResponse`, so a described exchange needs no translation.
public enum HTTPSClient {
    /// Failures before any HTTP status came back, worded like thin-edge's `HTTP Connection Problem`.
    public struct ConnectionProblem: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// How long one step (connect, handshake, one read or write) may take, and the whole request.
    public static let stepTimeout: Double = 15
    public static let requestTimeout: Double = 45

    /// Sends one request to `https://host:port/path`, trusting the CA file or directory at `rootCertificatePath`,
    /// through the proxy `HTTPS_PROXY` names (unless `NO_PROXY` exempts the host). Gives up on a silent server.
    public static func send(
        _ request: HTTPRequest, host: String, port: Int, rootCertificatePath: String,
        proxyEnvironment: [String: String] = HTTPSProxy.currentEnvironment()
    ) throws(ConnectionProblem) -> HTTPResponse {
        let deadline = ContinuousClock.now + .seconds(requestTimeout)
        let connection: TLSClientConnection
        do {
            let proxy = try HTTPSProxy.forHost(host, environment: proxyEnvironment)
            let isDirectory = FileSystem.isDirectory(rootCertificatePath)
            connection = try TLSClientConnection(
                host: host, port: port, caFile: isDirectory ? nil : rootCertificatePath,
                caDirectory: isDirectory ? rootCertificatePath : nil, timeout: stepTimeout,
                proxy: proxy.map { ($0.host, $0.port) })
        } catch {
            let text = "\(error)"
            let hint =
                text.contains("timed out") || text.contains("proxy") || text.contains("connect to")
                ? "Hint: Check the network, the URL and HTTPS_PROXY." : "Hint: Server certificate validation error."
            throw ConnectionProblem(description: "HTTP Connection Problem: \(text)\n\(hint)")
        }
        var head = "\(request.method) \(request.path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        head += "Content-Length: \(request.body.count)\r\n"
        for header in request.headers { head += "\(header.name): \(header.value)\r\n" }
        head += "\r\n"
        guard connection.write(Array(head.utf8) + request.body) else {
            throw ConnectionProblem(description: "HTTP Connection Problem: the request could not be sent to \(host):\(port)")
        }
        var raw: [UInt8] = []
        while true {
            guard ContinuousClock.now < deadline else {
                throw ConnectionProblem(
                    description:
                        "HTTP Connection Problem: no complete answer from \(host):\(port): timed out after \(Int(requestTimeout)) s"
                )
            }
            let chunk: [UInt8]
            do { chunk = try connection.readOrTimeOut() } catch {
                throw ConnectionProblem(description: "HTTP Connection Problem: \(error)")
            }
            if chunk.isEmpty { break }
            raw += chunk
        }
        return try parse(raw)
    }

    static func parse(_ raw: [UInt8]) throws(ConnectionProblem) -> HTTPResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let split = (0..<max(0, raw.count - 3)).first(where: { Array(raw[$0..<$0 + 4]) == separator }) else {
            throw ConnectionProblem(description: "HTTP Connection Problem: the server's answer is not HTTP")
        }
        let head = String(decoding: raw[..<split], as: UTF8.self).split(separator: "\r\n").map(String.init)
        let statusWords = head.first?.split(separator: " ") ?? []
        guard statusWords.count >= 2, let status = Int(statusWords[1]) else {
            throw ConnectionProblem(description: "HTTP Connection Problem: the server's answer is not HTTP")
        }
        var body = Array(raw[(split + 4)...])
        let fields = head.dropFirst().map { line -> (String, String) in
            let parts = line.split(separator: ":", maxSplits: 1)
            return (parts[0].lowercased(), parts.count > 1 ? parts[1].trimmingSpaces() : "")
        }
        if fields.contains(where: { $0.0 == "transfer-encoding" && $0.1.lowercased().contains("chunked") }) {
            body = dechunk(body)
        } else if let length = fields.first(where: { $0.0 == "content-length" }).flatMap({ Int($0.1) }), length < body.count {
            body = Array(body.prefix(length))
        }
        return HTTPResponse(status: status, body: body)
    }

    private static func dechunk(_ data: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < data.count {
            guard let lineEnd = (index..<max(index, data.count - 1)).first(where: { data[$0] == 13 && data[$0 + 1] == 10 }),
                let size = Int(
                    String(decoding: data[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? "", radix: 16),
                size > 0
            else { break }
            let start = lineEnd + 2
            output += data[start..<min(data.count, start + size)]
            index = start + size + 2
        }
        return output
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
