/// A cloud-to-device message: its properties, decoded from the cloud's encoding, in the order they came, and its
/// payload as it came.
public struct CloudMessage: Sendable, Equatable {
    public struct Property: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var properties: [Property]
    public var payload: [UInt8]

    public init(properties: [Property], payload: [UInt8]) {
        self.properties = properties
        self.payload = payload
    }
}
