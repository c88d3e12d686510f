import TedgeProviderAPI

/// thin-edge's rule for a user-defined mapper's name (its directory under `mappers/`): `[a-z][a-z0-9-]*`, no
/// underscores (they would make `MAPPER_<NAME>_<KEY>` ambiguous), not `bridge-…` (the built-in bridge's services
/// are `tedge-mapper-bridge-<name>`). The texts are thin-edge's.
public enum MapperName {
    public static func validate(_ name: String) throws(TedgeError) {
        guard let first = name.utf8.first else { throw TedgeError("Mapper name cannot be empty") }
        guard (0x61...0x7A).contains(first) else {
            throw TedgeError("Invalid mapper name '\(name)': must start with a lowercase ASCII letter")
        }
        guard name.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") })
        else {
            throw TedgeError("Invalid mapper name '\(name)': names must match [a-z][a-z0-9-]* (underscores are not allowed)")
        }
        guard !name.hasPrefix("bridge-") else {
            throw TedgeError(
                "Invalid mapper name '\(name)': names starting with 'bridge-' are reserved (would collide with the bridge sub-service name 'tedge-mapper-bridge-\(name)')"
            )
        }
    }
}
