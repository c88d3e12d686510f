/// The cloud's answer to a twin request or a reported patch: the request id, an HTTP-like status (200 with the twin,
/// 204 for an accepted patch, 4xx/5xx refused), the desired properties when the answer holds the twin, the version,
/// and the cloud's text for a refusal.
public struct TwinAnswer: Sendable, Equatable {
    public var requestID: String
    public var status: Int
    public var desired: JSONValue?
    public var version: Int64?
    public var message: String

    public init(requestID: String, status: Int, desired: JSONValue? = nil, version: Int64? = nil, message: String = "") {
        self.requestID = requestID
        self.status = status
        self.desired = desired
        self.version = version
        self.message = message
    }

    public var succeeded: Bool { (200..<300).contains(status) }
}
