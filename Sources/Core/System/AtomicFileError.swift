/// Why an atomic write did not happen.
public enum AtomicFileError: Error, Equatable, CustomStringConvertible, Sendable {
    case exists(String)
    case io(String, Int32)

    public var description: String {
        switch self {
        case .exists(let path): return "File \(path) already exists"
        case .io(let path, let code): return "Cannot write \(path): \(SystemError.text(code))"
        }
    }
}
