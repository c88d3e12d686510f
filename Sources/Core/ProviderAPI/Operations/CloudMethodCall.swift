/// A method the cloud calls on the device: its name (the handler's file name once checked), the request id its
/// answer must carry, and the payload (JSON for Azure). Name and id are the cloud's text, not yet validated.
public struct CloudMethodCall: Sendable, Equatable {
    public var name: String
    public var requestID: String
    public var payload: [UInt8]

    public init(name: String, requestID: String, payload: [UInt8]) {
        self.name = name
        self.requestID = requestID
        self.payload = payload
    }
}
