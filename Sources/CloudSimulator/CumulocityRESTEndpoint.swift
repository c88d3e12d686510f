import Foundation
import Synchronization
import TedgeOpenSSL
import TedgeProviderAPI
import TedgeSystem

/// Cumulocity's REST API as far as `tedge cert upload c8y` uses it, over HTTPS with the simulator's
/// server certificate: the current tenant, and the tenant's trusted certificates (201, 409 when the
/// same certificate comes again), behind HTTP Basic authentication.
final class CumulocityRESTEndpoint: Sendable {
    static let tenant = "t-sim"
    private let listener: LoopbackListener
    private let context: TLSServerContext
    private let credentials: String
    private let trusted = Mutex<Set<String>>([])
    private let log: Console

    var port: Int { listener.port }

    init(port: Int, certificate: Certificate, key: PrivateKey, user: String, password: String, log: Console) throws {
        listener = try LoopbackListener(port: port)
        context = try TLSServerContext(certificate: certificate, key: key, requireClientCertificate: false)
        credentials = "Basic " + Base64Text.encode(Array("\(user):\(password)".utf8))
        self.log = log
    }

    func start() { listener.start { [self] socket in serve(socket) } }

    private func serve(_ socket: Int32) {
        defer { close(socket) }
        guard let session = try? context.accept(socket: socket) else { return }
        var raw: [UInt8] = []
        var head: [String] = []
        var bodyStart = 0
        while head.isEmpty {
            let chunk = session.read()
            if chunk.isEmpty { return }
            raw += chunk
            if let end = (0..<max(0, raw.count - 3)).first(where: {
                raw[$0] == 13 && raw[$0 + 1] == 10 && raw[$0 + 2] == 13 && raw[$0 + 3] == 10
            }) {
                head = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
                bodyStart = end + 4
            }
        }
        func header(_ name: String) -> String? {
            head.dropFirst().first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
                .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
        }
        let length = Int(header("Content-Length") ?? "0") ?? 0
        while raw.count - bodyStart < length {
            let chunk = session.read()
            if chunk.isEmpty { break }
            raw += chunk
        }
        let body = Array(raw[bodyStart...].prefix(length))
        let requestLine = head[0].split(separator: " ")
        let (status, answer) = respond(
            method: String(requestLine.first ?? ""), path: requestLine.count > 1 ? String(requestLine[1]) : "",
            authorization: header("Authorization"), body: body)
        let text =
            "HTTP/1.1 \(status) \(status < 300 ? "OK" : "Error")\r\nContent-Type: application/json\r\nContent-Length: \(answer.utf8.count)\r\nConnection: close\r\n\r\n\(answer)"
        _ = session.write(Array(text.utf8))
        session.shutdown()
    }

    private func respond(method: String, path: String, authorization: String?, body: [UInt8]) -> (Int, String) {
        guard authorization == credentials else {
            log.line("c8y-rest: refused \(method) \(path): bad credentials")
            return (401, #"{"error":"security/Unauthorized"}"#)
        }
        switch (method, path) {
        case ("GET", "/tenant/currentTenant"):
            return (200, #"{"name":"\#(Self.tenant)","domainName":"localhost"}"#)
        case ("POST", "/tenant/tenants/\(Self.tenant)/trusted-certificates"):
            guard case .success(.object(let fields)) = JSONText.parse(body),
                case .string(let pem)? = fields.first(where: { $0.key == "certInPemFormat" })?.value,
                let certificate = try? Certificate(pem: pem)
            else {
                return (422, #"{"error":"invalid certificate"}"#)
            }
            let fingerprint = certificate.sha1Thumbprint
            let added = trusted.withLock { $0.insert(fingerprint).inserted }
            log.line("c8y-rest: \(added ? "trusted" : "already trusted") certificate \(fingerprint)")
            return added ? (201, #"{"fingerprint":"\#(fingerprint)"}"#) : (409, #"{"error":"duplicate"}"#)
        default:
            return (404, #"{"error":"not found"}"#)
        }
    }
}
