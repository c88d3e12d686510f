import CTedgeVersion

/// The version of this build (the VERSION file at the package root, compiled in), for `--version`.
public enum TedgeVersion {
    public static let current = String(cString: tedge_version_string())
}
