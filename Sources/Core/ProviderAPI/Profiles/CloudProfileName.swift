/// A cloud profile's name (`tedge connect az --profile second`): letters, digits, `-` and `_`, at least one letter or
/// digit, stored lower-cased (`SECOND` is `second`), as thin-edge restricts them.
public struct CloudProfileName: Sendable, Hashable, CustomStringConvertible {
    public let description: String

    public init(_ raw: String) throws(TedgeError) {
        guard !raw.isEmpty else { throw TedgeError("Profile names cannot be empty") }
        guard raw.unicodeScalars.allSatisfy({ Self.isAlphanumeric($0) || $0 == "-" || $0 == "_" }) else {
            throw TedgeError("Profile names can only contain letters, numbers, `-` or `_`")
        }
        guard raw.unicodeScalars.contains(where: Self.isAlphanumeric) else {
            throw TedgeError("Profile names must contain at least one letter or number")
        }
        description = raw.lowercased()
    }

    /// `--profile NAME`, else `TEDGE_CLOUD_PROFILE`, where an empty value means the default profile (nil).
    public static func selected(option: String?, environment: String?) throws(TedgeError) -> CloudProfileName? {
        if let option { return try CloudProfileName(option) }
        guard let environment, !environment.isEmpty else { return nil }
        return try CloudProfileName(environment)
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}
