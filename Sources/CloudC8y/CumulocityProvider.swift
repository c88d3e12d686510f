import TedgeProviderAPI

/// Cumulocity IoT: SmartREST and JSON over MQTT, device certificate trusted by the tenant.
public struct CumulocityProvider: CloudProvider {
    public init() {}

    public let id = "c8y"
    public let names = CloudNames(display: "Cumulocity IoT", cloud: "Cumulocity", bridge: "C8y")

    public static let url = ConfigKey(
        "c8y.url", kind: .connectURL,
        doc: "Tenant endpoint URL of Cumulocity tenant. Example: your-tenant.cumulocity.com",
        example: "subdomain.cumulocity.com")
    public static let rootCertPath = ConfigKey(
        "c8y.root.cert.path", kind: .path,
        default: .value(ConfigKey.systemCertificates),
        doc: "Path where Cumulocity root certificate(s) are located. Example: /home/user/.tedge/c8y-trusted-root-certificates.pem"
    )

    public static let http = ConfigKey(
        "c8y.http", kind: .connectURL,
        doc:
            "HTTPS endpoint of the Cumulocity tenant, when not c8y.url's host on port 443. Example: your-tenant.cumulocity.com:443",
        example: "subdomain.cumulocity.com")

    /// The main device's external id. thin-edge's mapper reads it from the certificate when unset; ours reads no
    /// certificate, so `tedge connect c8y` records the certificate's CN here (before it starts the mapper).
    public static let deviceID = ConfigKey(
        "c8y.device.id", table: "c8y", field: "device_id", kind: .string, default: .deviceID,
        doc:
            "Identifier of the device within the fleet. It must be globally unique and is derived from the device certificate. Example: Raspberrypi-4d18303a-6d3a-11eb-b1a6-175f6bb72665"
    )
    /// thin-edge's default: every entity's registration, twin, measurements and their units, events, alarms, health.
    static let defaultTopics = ["", "/twin/+", "/m/+", "/m/+/meta", "/e/+", "/a/+", "/status/health"].map(TopicSchema().anyEntity)
    public static let topics = ConfigKey(
        "c8y.topics", table: "c8y", field: "topics", kind: .string, default: .value(defaultTopics.joined(separator: ",")),
        doc:
            "Set of MQTT topics the Cumulocity mapper should subscribe to. Example: te/+/+/+/+/a/+,te/+/+/+/+/m/+,te/+/+/+/+/m/+/meta,te/+/+/+/+/e/+"
    )
    public static let childDeviceMarker = ConfigKey(
        "c8y.smartrest.child_device.create_with_device_marker", table: "c8y",
        field: "smartrest_child_device_create_with_device_marker", kind: .flag, default: .value("false"),
        doc: "Attach the c8y_IsDevice fragment to child devices on creation. Example: false")

    public var configKeys: [ConfigKey] {
        [Self.url, Self.rootCertPath, Self.http, Self.deviceID, Self.topics, Self.childDeviceMarker]
    }

    public let certificateRequirements = CertificateRequirements(
        clientCertificateRequired: true,
        registrationHint:
            "Upload the device certificate to the tenant's trusted certificates (`tedge cert upload c8y --user <name>`).",
        renewalHint:
            "Upload the renewed certificate to the tenant's trusted certificates (`tedge cert upload c8y --user <name>`).")

    static let bridgeTopics: [(String, BridgeTopic.Direction, Int)] = [
        ("s/dcr", .inbound, 2), ("s/ucr", .outbound, 2), ("s/dt", .inbound, 2), ("s/ut/#", .outbound, 2),
        ("s/us/#", .outbound, 2), ("t/us/#", .outbound, 2), ("q/us/#", .outbound, 2), ("c/us/#", .outbound, 2),
        ("s/ds", .inbound, 2), ("s/e", .inbound, 0), ("s/uc/#", .outbound, 2), ("t/uc/#", .outbound, 2),
        ("q/uc/#", .outbound, 2), ("c/uc/#", .outbound, 2), ("s/dc/#", .inbound, 2),
        ("measurement/measurements/create", .outbound, 2), ("error", .inbound, 2),
        ("s/uat/#", .outbound, 2), ("s/dat/#", .inbound, 2),
        ("inventory/managedObjects/update/#", .outbound, 2), ("event/events/create", .outbound, 2),
        ("alarm/alarms/create", .outbound, 2),
    ]

    public func bridge(_ context: ConnectionContext) -> BridgeDescription {
        BridgeDescription(
            connection: "edge_to_c8y",
            address: context.cloud,
            remoteUsername: nil,
            rootCertificatePath: context.rootCertificatePath,
            remoteClientID: context.deviceID,
            localClientID: "Cumulocity",
            certificatePath: context.certificatePath,
            keyPath: context.keyPath,
            cleanSession: false,
            topics: Self.bridgeTopics.map { BridgeTopic($0.0, $0.1, qos: $0.2, local: "c8y/", remote: "") })
    }

    /// SmartREST 100 (create device): an existing device is answered on `s/e` with `41,100,Device already existing`.
    public func connectionCheck(_ context: ConnectionContext) -> ConnectionCheck {
        var check = ConnectionCheck(
            clientID: "check_connection_c8y",
            subscriptions: ["c8y/s/e"],
            request: MQTTMessage(topic: "c8y/s/us", text: "100,\(context.deviceID),thin-edge.io", qos: .atLeastOnce),
            attempts: 2,
            troubleshooting: """
                No response from Cumulocity. Check that:
                  - c8y.url (\(context.cloud.host)) is your tenant's host name;
                  - the device certificate is trusted by the tenant (`tedge cert upload c8y --user <name>`);
                  - c8y.root.cert.path (\(context.rootCertificatePath)) holds the CA that signed the tenant's server certificate.
                """,
            judge: { answer in
                answer.text == "41,100,Device already existing" ? .success : .ignore
            })
        check.restartBrokerAfterLateSuccess = true
        return check
    }

    /// Adds the device certificate to the tenant's trusted certificates over HTTPS (thin-edge's texts):
    /// the tenant id from `/tenant/currentTenant`, then a POST to its trusted certificates.
    public func certificateUpload(_ request: CertificateUploadRequest) throws(TedgeError) -> HTTPSExchange? {
        guard let url = request.config.value(of: Self.url) else {
            throw TedgeError("A value for `c8y.url` is missing.\n    A value can be set with `tedge config set c8y.url <value>`")
        }
        let endpoint: HostAndPort
        if let http = request.config.value(of: Self.http) {
            endpoint = try HostAndPort(parsing: http, defaultPort: 443)
        } else {
            endpoint = HostAndPort(host: try HostAndPort(parsing: url, defaultPort: 8883).host, port: 443)
        }
        let authorization = HTTPRequest.Header(
            "Authorization", "Basic " + Base64Text.encode(Array("\(request.user):\(request.password)".utf8)))
        let accept = HTTPRequest.Header("Accept", "application/json")
        let tenantRequest = HTTPRequest(method: "GET", path: "/tenant/currentTenant", headers: [authorization, accept])
        return HTTPSExchange(
            endpoint: endpoint,
            rootCertificatePath: request.config.value(of: Self.rootCertPath) ?? ConfigKey.systemCertificates,
            first: .request(tenantRequest) { tenantResponse in
                guard (200..<300).contains(tenantResponse.status) else {
                    return .failed(report: nil, error: TedgeError("Request returned with code: \(tenantResponse.status)"))
                }
                guard case .success(.object(let tenant)) = JSONText.parse(tenantResponse.body),
                    case .string(let tenantID)? = tenant.first(where: { $0.key == "name" })?.value
                else {
                    return .failed(
                        report: nil,
                        error: TedgeError("The tenant's answer to /tenant/currentTenant has no \"name\": \(tenantResponse.text)"))
                }
                let body = JSONText.serialize(
                    .object([
                        ("name", .string(request.deviceID)), ("certInPemFormat", .string(request.certificatePEM)),
                        ("autoRegistrationEnabled", .boolean(true)), ("status", .string("ENABLED")),
                    ]))
                let upload = HTTPRequest(
                    method: "POST", path: "/tenant/tenants/\(tenantID)/trusted-certificates",
                    headers: [authorization, HTTPRequest.Header("Content-Type", "application/json"), accept],
                    body: Array(body.utf8))
                return .request(upload) { response in
                    switch response.status {
                    case 200, 201: return .finished(report: "Certificate uploaded successfully.")
                    case 409: return .finished(report: "Certificate already exists in the cloud.")
                    default:
                        return .failed(
                            report: "Something went wrong: \(response.status)",
                            error: TedgeError("Request returned with code: \(response.status)"))
                    }
                }
            })
    }

    /// The JWT round trip (`s/uat` → `s/dat` `71,<token>`): the token's issuer must be the configured tenant.
    public func postConnectCheck(_ context: ConnectionContext) -> ConnectionCheck? {
        let configured = context.cloud.host
        return ConnectionCheck(
            clientID: "get_jwt_token_c8y",
            subscriptions: ["c8y/s/dat"],
            request: MQTTMessage(topic: "c8y/s/uat", text: "", qos: .atLeastOnce),
            troubleshooting: "Failed to get the connected tenant URL from Cumulocity.",
            judge: { answer in
                guard let text = answer.text, text.hasPrefix("71,") else { return .ignore }
                switch CumulocityJWT.issuer(of: String(text.dropFirst(3))) {
                case .failure(let error): return .failure(error.description)
                case .success(let issuer) where issuer == configured: return .success
                case .success(let issuer):
                    return .failure(
                        "Warning: Connecting to \(issuer), but the configured URL is \(configured).\nThe device certificate has to be removed from the former tenant."
                    )
                }
            })
    }

    /// The legacy topics, the registrations of every entity (before any data, so that retained registrations arrive
    /// first) and `c8y.topics`. The supported operations are the file names in `<config-dir>/operations/c8y/`, read
    /// by the runtime at start.
    public func mapper(_ config: TedgeConfig) -> MapperDescription? {
        let store = config.entityStore(mainDeviceExternalID: config.value(of: Self.deviceID))
        let te = CumulocityTeMapping(
            store: store, createWithDeviceMarker: config.flag(Self.childDeviceMarker),
            serviceType: config.value(of: CoreConfigKeys.serviceType) ?? "service")
        var subscriptions = [
            "tedge/measurements", "tedge/measurements/+", "tedge/alarms/+/+", "tedge/events/+", "c8y/s/ds",
            store.schema.registrationFilter,
        ]
        for filter in config.topicFilters(Self.topics) where !subscriptions.contains(filter) { subscriptions.append(filter) }
        return MapperDescription(subscriptions: subscriptions, listedDirectory: "operations/c8y") { operations in
            CumulocityConverter(supportedOperations: operations, te: te)
        }
    }
}
