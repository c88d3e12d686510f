import Glibc
import TedgeSystem

/// Finds programs on PATH, the way a shell would.
public enum ExecutableLookup {
    public static func find(_ name: String, path: String? = nil) -> String? {
        let search = path ?? getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in search.split(separator: ":") where !directory.isEmpty {
            let candidate = FileSystem.join(String(directory), name)
            if access(candidate, X_OK) == 0 && FileSystem.isRegularFile(candidate) { return candidate }
        }
        return nil
    }
}
