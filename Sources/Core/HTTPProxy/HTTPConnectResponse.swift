/// The proxy's answer to a CONNECT, read byte by byte up to the blank line so that nothing of the tunnelled
/// session that follows is consumed.
public struct HTTPConnectResponse {
    /// Longer answers are refused: a proxy that never ends its header must not grow our memory.
    public static let maximumBytes = 8192

    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Adds one byte; true once the header is complete (or too long).
    public mutating func append(_ byte: UInt8) -> Bool {
        bytes.append(byte)
        return isComplete
    }

    public var isComplete: Bool { bytes.suffix(4).elementsEqual([13, 10, 13, 10]) || bytes.count >= Self.maximumBytes }

    public var statusLine: String { String(decoding: bytes.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self) }

    /// `HTTP/1.x 200 …`: the tunnel is open.
    public var isSuccess: Bool {
        let words = statusLine.split(separator: " ")
        return words.count >= 2 && words[0].hasPrefix("HTTP/1.") && words[1] == "200"
    }
}
