/// Messages the store's limits removed: `dropped` for `maxSizeBytes`, `expired` for `maxAgeSeconds`.
public struct StoreDrops: Equatable, Sendable {
    public var dropped: MessageTally
    public var expired: MessageTally

    public init(dropped: MessageTally = .zero, expired: MessageTally = .zero) {
        self.dropped = dropped
        self.expired = expired
    }

    public static let none = StoreDrops()
}
