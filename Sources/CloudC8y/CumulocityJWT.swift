import TedgeProviderAPI

/// The token Cumulocity returns on `s/dat` as `71,<JWT>`: its payload's `iss` is the tenant's host.
public enum CumulocityJWT {
    /// The tenant host in the token, or thin-edge's message for what is wrong with it.
    public static func issuer(of token: String) -> Result<String, ConversionError> {
        func invalid(_ reason: String) -> Result<String, ConversionError> {
            .failure(ConversionError("The JWT token received from Cumulocity is invalid.\nToken: \(token)\nReason: \(reason)"))
        }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return invalid("JWT token format must be <header>.<payload>.<signature>.") }
        guard let payload = Base64Text.decode(String(parts[1])) else {
            return invalid("Cannot decode the payload of JWT token by Base64.")
        }
        guard case .success(.object(let claims)) = JSONText.parse(payload) else {
            return invalid("The payload of JWT token is not JSON.")
        }
        guard case .string(let issuer)? = claims.first(where: { $0.key == "iss" })?.value else {
            return invalid("The JSON decoded from JWT token doesn't contain 'iss' field.")
        }
        return .success(issuer)
    }
}
