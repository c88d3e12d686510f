/// What a CONNECT's username says about the cloud a device speaks to, by the rules the clouds apply.
/// Azure IoT Hub: `<host>/<device id>/?api-version=<any>` with any further query parameters (its
/// SDKs add `DeviceClientType=…`). AWS IoT Core accepts any username (the certificate authenticates;
/// its SDKs send `?SDK=…&Platform=…`), and Cumulocity's certificate devices send none.
/// Azure's Device Provisioning Service: `<id scope>/registrations/<registration id>/api-version=<any>`.
enum DeviceUsername: Equatable {
    case azure(host: String, deviceID: String, parameters: [String: String])
    case deviceProvisioning(idScope: String, registrationID: String)
    case other

    static func classify(_ username: String?) -> DeviceUsername {
        if let username, case let parts = username.split(separator: "/", omittingEmptySubsequences: false),
            parts.count == 4, parts[1] == "registrations", parts[3].hasPrefix("api-version=")
        {
            return .deviceProvisioning(idScope: String(parts[0]), registrationID: String(parts[2]))
        }
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
        case .deviceProvisioning:
            return "username '\(username ?? "")' is for the Device Provisioning Service, not a hub"

        }
    }
}
