import Glibc

/// Who handlers run as. The mapper's service runs as `tedge` (`User=tedge`), and handlers simply inherit that user.
/// A mapper started as root never runs a handler as root: it runs it as `operations.user` (`tedge` by default)
/// through util-linux's `setpriv` (real and effective uid and gid, that user's supplementary groups; an argument
/// list, no shell), since `posix_spawn` cannot change the user. Only `operations.user = root` runs them as root.
public enum HandlerIdentity {
    public static let setpriv = "/usr/bin/setpriv"

    /// The launcher for `HandlerRunner`, or why handlers cannot run at all.
    public static func launcher(user: String, effectiveUserID: uid_t = geteuid()) -> Result<[String], HandlerIdentityError> {
        guard effectiveUserID == 0, user != "root" else { return .success([]) }
        guard let entry = getpwnam(user) else { return .failure(.noSuchUser(user)) }
        guard access(setpriv, X_OK) == 0 else { return .failure(.noSetpriv(user)) }
        let (uid, gid) = (entry.pointee.pw_uid, entry.pointee.pw_gid)
        return .success([setpriv, "--reuid=\(uid)", "--regid=\(gid)", "--init-groups", "--"])
    }
}
