/// Why the stop signals could not be turned into a descriptor.
public struct SignalDescriptorError: Error, CustomStringConvertible {
    public var call: String
    public var reason: String
    public var description: String { "\(call): \(reason)" }
}
