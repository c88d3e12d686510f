import TedgeProviderAPI

/// Azure's Device Provisioning Service over MQTT (api-version 2019-03-31): register, poll the
/// operation while it is assigning, and take the assigned hub. Pure: `judge` reads an answer and
/// says what to do next; the runtime does the network part.
public struct AzureDeviceProvisioning: Sendable {
    public static let apiVersion = "2019-03-31"
    /// Polls wait what the service asks (`retry-after`), within these bounds.
    static let shortestPoll: Duration = .seconds(1)
    static let longestPoll: Duration = .seconds(10)
    static let defaultPoll: Duration = .seconds(3)

    public let idScope: String
    public let registrationID: String

    public init(idScope: String, registrationID: String) {
        self.idScope = idScope
        self.registrationID = registrationID
    }

    public var username: String { "\(idScope)/registrations/\(registrationID)/api-version=\(Self.apiVersion)" }

    public var registerRequest: MQTTMessage {
        MQTTMessage(
            topic: "$dps/registrations/PUT/iotdps-register/?$rid=1",
            text: JSONText.serialize(.object([("registrationId", .string(registrationID))])), qos: .atLeastOnce)
    }

    func statusRequest(operationID: String, requestID: Int) -> MQTTMessage {
        MQTTMessage(
            topic: "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=\(requestID)&operationId=\(operationID)",
            payload: [], qos: .atLeastOnce)
    }

    /// The next step for one answer on `$dps/registrations/res/<status>/?$rid=<n>[&retry-after=<s>]`.
    public func judge(_ answer: MQTTMessage) -> ProvisioningExchange.Step {
        let prefix = "$dps/registrations/res/"
        guard answer.topic.hasPrefix(prefix) else { return .ignore }
        let rest = answer.topic.dropFirst(prefix.count)
        let parts = rest.split(separator: "/", maxSplits: 1)
        guard let status = parts.first.flatMap({ Int($0) }) else { return .ignore }
        let parameters = Self.queryParameters(parts.count > 1 ? String(parts[1]) : "")
        let requestID = parameters["$rid"].flatMap { Int($0) } ?? 1
        let body: [(key: String, value: JSONValue)]
        if case .success(.object(let fields)) = JSONText.parse(answer.payload) { body = fields } else { body = [] }

        switch status {
        case 202, 429:
            return poll(body: body, retryAfter: parameters["retry-after"], requestID: requestID)
        case 200:
            return settle(body: body, requestID: requestID, retryAfter: parameters["retry-after"])
        default:
            let reason = Self.string(body, "errorMessage") ?? Self.string(body, "message") ?? "status \(status)"
            return .failed(
                "The Device Provisioning Service refused the registration of \(registrationID) (status \(status)): \(reason)")
        }
    }

    private func poll(body: [(key: String, value: JSONValue)], retryAfter: String?, requestID: Int) -> ProvisioningExchange.Step {
        guard let operationID = Self.string(body, "operationId") else {
            return .failed("The Device Provisioning Service answered without an operation id")
        }
        let asked = retryAfter.flatMap { Int($0) }.map { Duration.seconds($0) } ?? Self.defaultPoll
        let delay = min(max(asked, Self.shortestPoll), Self.longestPoll)
        return .request(statusRequest(operationID: operationID, requestID: requestID + 1), after: delay)
    }

    private func settle(body: [(key: String, value: JSONValue)], requestID: Int, retryAfter: String?) -> ProvisioningExchange.Step
    {
        let state = Self.object(body, "registrationState") ?? []
        switch Self.string(body, "status") {
        case "assigning", "unassigned":
            return poll(body: body, retryAfter: retryAfter, requestID: requestID)
        case "assigned":
            guard let hub = Self.string(state, "assignedHub"), !hub.isEmpty else {
                return .failed("The Device Provisioning Service assigned \(registrationID) to no hub")
            }
            if let assignedID = Self.string(state, "deviceId"), assignedID != registrationID {
                return .failed(
                    "The Device Provisioning Service assigned the device id '\(assignedID)', not the certificate's CN '\(registrationID)'; "
                        + "a device id other than the certificate's CN is not supported. Make the enrollment keep the registration id as device id."
                )
            }
            return .provisioned(settings: [AzureProvider.url.name: hub], report: "Device provisioned: assigned to hub \(hub).")
        case let other:
            let reason = Self.string(state, "errorMessage") ?? Self.string(body, "errorMessage") ?? "status \(other ?? "missing")"
            return .failed("The Device Provisioning Service did not assign \(registrationID): \(reason)")
        }
    }

    static func queryParameters(_ text: String) -> [String: String] {
        let query = text.hasPrefix("?") ? text.dropFirst() : Substring(text)
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            parameters[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return parameters
    }

    private static func string(_ fields: [(key: String, value: JSONValue)], _ name: String) -> String? {
        guard case .string(let text)? = fields.first(where: { $0.key == name })?.value else { return nil }
        return text
    }

    private static func object(_ fields: [(key: String, value: JSONValue)], _ name: String) -> [(key: String, value: JSONValue)]?
    {
        guard case .object(let inner)? = fields.first(where: { $0.key == name })?.value else { return nil }
        return inner
    }
}
