import TedgeProviderAPI

/// The environment a handler gets: the runtime's base (`PATH`, `TEDGE_CONFIG_DIR`) and what its request says.
/// Every name is ours; values from the cloud are passed as they are, except that a NUL (which would cut the
/// variable short) drops the property that holds it.
enum HandlerEnvironment {
    static func method(_ call: CloudMethodCall, cloud: String, base: [String: String]) -> [String: String] {
        var environment = base
        environment["TEDGE_CLOUD"] = cloud
        environment["TEDGE_HANDLER"] = "method"
        environment["TEDGE_METHOD_NAME"] = call.name
        environment["TEDGE_REQUEST_ID"] = call.requestID
        return environment
    }

    static func desired(key: String, version: Int64?, cloud: String, base: [String: String]) -> [String: String] {
        var environment = base
        environment["TEDGE_CLOUD"] = cloud
        environment["TEDGE_HANDLER"] = "desired"
        environment["TEDGE_DESIRED_KEY"] = key
        if let version { environment["TEDGE_DESIRED_VERSION"] = String(version) }
        return environment
    }

    /// `TEDGE_MESSAGE_PROPERTIES` holds them all as a JSON object (names as the cloud wrote them, the first of a
    /// repeated name); each is also `TEDGE_PROPERTY_<NAME>`, the name upper-cased and every byte other than a
    /// letter or digit made `_` (`$.mid` → `TEDGE_PROPERTY___MID`).
    static func cloudMessage(_ message: CloudMessage, cloud: String, base: [String: String]) -> [String: String] {
        var environment = base
        environment["TEDGE_CLOUD"] = cloud
        environment["TEDGE_HANDLER"] = "c2d"
        var members: [(key: String, value: JSONValue)] = []
        for property in message.properties
        where !property.name.utf8.contains(0) && !property.value.utf8.contains(0)
            && !members.contains(where: { $0.key == property.name })
        {
            members.append((property.name, .string(property.value)))
            environment["TEDGE_PROPERTY_" + variableName(property.name)] = property.value
        }
        environment["TEDGE_MESSAGE_PROPERTIES"] = JSONText.serialize(.object(members))
        return environment
    }

    static func variableName(_ name: String) -> String {
        String(
            decoding: name.utf8.map { byte -> UInt8 in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - 32
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): byte
                default: UInt8(ascii: "_")
                }
            }, as: UTF8.self)
    }
}
