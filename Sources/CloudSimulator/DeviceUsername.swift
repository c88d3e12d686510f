/// What a CONNECT's username says about the cloud a device speaks to, by the rules the clouds apply.
/// Azure IoT Hub: `<host>/<device id>/?api-version=<any>` with any further query parameters (its
/// SDKs add `DeviceClientType=…`). AWS IoT Core accepts any username (the certificate authenticates;
/// its SDKs send `?SDK=…&Platform=…`), and Cumulocity's certificate devices send none.
enum DeviceUsername: Equatable {
    case azure(host: String, deviceID: String, parameters: [String: String])
    case other

    static func classify(_ username: String?) -> DeviceUsername {
        guard let username, let separator = username.range(of: "/?") else { return .other }
        let path = username[..<separator.lowerBound]
        let parameters = MessageProperties.parse(String(username[separator.upperBound...]))
        guard parameters["api-version"] != nil, let slash = path.lastIndex(of: "/") else { return .other }
        return .azure(host: String(path[..<slash]), deviceID: String(path[path.index(after: slash)...]), parameters: parameters)
    }

    /// Nil when the username is acceptable for this device, else why not.
    static func problem(with username: String?, deviceID: String) -> String? {
        switch classify(username) {
        case .azure(let host, let named, _):
            if host.isEmpty { return "username '\(username ?? "")' names no IoT Hub host" }
            if named != deviceID { return "username '\(username ?? "")' names device '\(named)', not \(deviceID)" }
            return nil
        case .other:
            return nil
        }
    }
}
