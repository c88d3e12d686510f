/// Why an input could not be converted; its text is published on `tedge/errors` unchanged.
public struct ConversionError: Error, Equatable, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
