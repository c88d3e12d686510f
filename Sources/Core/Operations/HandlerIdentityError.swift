/// Why handlers cannot run at all.
public enum HandlerIdentityError: Error, Equatable, CustomStringConvertible {
    case noSuchUser(String)
    case noSetpriv(String)

    public var description: String {
        switch self {
        case .noSuchUser(let user):
            return "handlers run as the user '\(user)' (operations.user), which does not exist, and never as root"
        case .noSetpriv(let user):
            return "handlers run as the user '\(user)' through \(HandlerIdentity.setpriv) (util-linux), which is missing"
        }
    }
}
