import TedgeProviderAPI

/// A device's twin request as it arrives on the backend: `devices/<id>/$iothub/twin/GET/?$rid=R` or
/// `devices/<id>/$iothub/twin/PATCH/properties/reported/?$rid=R`, and IoT Hub's answer to it.
struct TwinRequest: Equatable {
    enum Operation: String { case get = "GET", patchReported = "PATCH reported" }

    let deviceID: String
    let operation: Operation
    let requestID: String

    init?(topic: String) {
        let parts = topic.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 6, parts[0] == "devices", parts[2] == "$iothub", parts[3] == "twin" else { return nil }
        if parts[4] == "GET" {
            operation = .get
        } else if parts[4] == "PATCH", parts.count >= 8, parts[5] == "properties", parts[6] == "reported" {
            operation = .patchReported
        } else {
            return nil
        }
        deviceID = String(parts[1])
        let query = parts.last.map { $0.hasPrefix("?") ? String($0.dropFirst()) : "" } ?? ""
        requestID = MessageProperties.parse(query)["$rid"] ?? "0"
    }

    /// The answer's backend topic and payload: 200 with the twin, 204 with the new version, 400 for a bad patch.
    func answer(payload: [UInt8], twins: TwinStore) -> (topic: String, payload: String) {
        let prefix = "devices/\(deviceID)/$iothub/twin/res/"
        switch operation {
        case .get:
            guard let twin = try? twins.document(of: deviceID) else { return (prefix + "500/?$rid=\(requestID)", "") }
            return (prefix + "200/?$rid=\(requestID)", JSONText.serialize(twin))
        case .patchReported:
            guard case .success(let patch) = JSONText.parse(payload),
                let version = try? twins.patchReported(of: deviceID, with: patch)
            else {
                return (prefix + "400/?$rid=\(requestID)", #"{"message":"the patch is not a JSON object"}"#)
            }
            return (prefix + "204/?$rid=\(requestID)&$version=\(version)", "")
        }
    }
}
