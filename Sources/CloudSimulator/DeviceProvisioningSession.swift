import TedgeMQTTCodec
import TedgeOpenSSL
import TedgeProviderAPI
import TedgeSystem

/// One device's session with the simulated Azure Device Provisioning Service, answered here and
/// never relayed to the backend broker: CONNECT checked against the id scope and the certificate,
/// then register (202 with an operation id and `retry-after=1`), operation status (200 assigned to
/// this simulator's hub, or the enrollment's failure), and not-enrolled devices refused with 401.
struct DeviceProvisioningSession {
    let directory: SimulatorDirectory
    /// `localhost:<tls port>`: the hub this simulator also plays.
    let assignedHub: String
    let certificate: Certificate?
    let log: Console
    private var registrationID = ""
    private var operations: [String: SimulatorDirectory.EnrollmentStatus] = [:]

    init(directory: SimulatorDirectory, assignedHub: String, certificate: Certificate?, log: Console) {
        self.directory = directory
        self.assignedHub = assignedHub
        self.certificate = certificate
        self.log = log
    }

    /// The CONNACK return code for this CONNECT: 0 accepted, 2 bad client id, 5 not authorised.
    mutating func accept(_ connect: MQTTConnect) -> UInt8 {
        guard case .deviceProvisioning(let scope, let registration) = DeviceUsername.classify(connect.username) else { return 5 }
        guard let certificate else {
            log.line("dps: rejected \(connect.clientID): no client certificate")
            return 5
        }
        guard let known = try? directory.idScope(), scope == known else {
            log.line("dps: rejected \(connect.clientID): unknown id scope '\(scope)'")
            return 5
        }
        guard connect.clientID == registration, certificate.subject.commonName == registration else {
            log.line(
                "dps: rejected \(connect.clientID): client id, registration id '\(registration)' and certificate CN must be the same"
            )
            return 2
        }
        registrationID = registration
        log.line("dps: accepted \(registration)")
        return 0
    }

    /// The bytes to send back for one packet from the device; nil closes the connection (DISCONNECT, or a
    /// CONNECT again); throws for a malformed packet.
    mutating func answer(_ frame: MQTTFrame) throws(MQTTProtocolError) -> [UInt8]? {
        switch frame.type {
        case .subscribe:
            guard case .subscribe(let packetID, let subscriptions) = try frame.decode() else { return nil }
            return try MQTTPacket.suback(packetID: packetID, returnCodes: subscriptions.map { _ in 1 }).encoded()
        case .unsubscribe:
            return try MQTTUnsubscribe(frame).acknowledgement
        case .pingreq:
            return try MQTTPacket.pingresp.encoded()
        case .disconnect, .connect:
            return nil
        case .publish:
            guard case .publish(let message, let packetID, _) = try frame.decode() else { return nil }
            var replies: [UInt8] = []
            if let packetID { try MQTTPacket.puback(packetID: packetID).encode(into: &replies) }
            for reply in respond(to: message.topic) { try reply.encode(into: &replies) }
            return replies
        default:
            return []
        }
    }

    private mutating func respond(to topic: String) -> [MQTTPacket] {
        guard let query = topic.split(separator: "?", maxSplits: 1).dropFirst().first else { return [] }
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            parameters[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        let rid = parameters["$rid"] ?? "0"
        if topic.hasPrefix("$dps/registrations/PUT/iotdps-register/") {
            let status = certificate.map(directory.enrollmentStatus(of:)) ?? .notEnrolled
            guard status != .notEnrolled else {
                log.line("dps: \(registrationID) is not enrolled")
                return [
                    reply(
                        401, rid: rid,
                        .object([
                            ("errorCode", .integer(401002)),
                            (
                                "message",
                                .string("The device \(registrationID) is not enrolled in this Device Provisioning Service.")
                            ),
                        ]))
                ]
            }
            let operationID = "4.\(registrationID).\(operations.count + 1)"
            operations[operationID] = status
            log.line("dps: registering \(registrationID) (operation \(operationID))")
            return [
                reply(
                    202, rid: rid, extra: "&retry-after=1",
                    .object([("operationId", .string(operationID)), ("status", .string("assigning"))]))
            ]
        }
        if topic.hasPrefix("$dps/registrations/GET/iotdps-get-operationstatus/") {
            let operationID = parameters["operationId"] ?? ""
            guard let status = operations[operationID] else {
                return [
                    reply(
                        404, rid: rid,
                        .object([("errorCode", .integer(404001)), ("message", .string("Unknown operation \(operationID)"))]))
                ]
            }
            if status == .disabled {
                log.line("dps: the enrollment of \(registrationID) is disabled")
                return [
                    reply(
                        200, rid: rid,
                        .object([
                            ("operationId", .string(operationID)), ("status", .string("disabled")),
                            (
                                "registrationState",
                                .object([
                                    ("registrationId", .string(registrationID)), ("status", .string("disabled")),
                                    ("errorCode", .integer(403001)),
                                    ("errorMessage", .string("The enrollment of \(registrationID) is disabled.")),
                                ])
                            ),
                        ]))
                ]
            }
            log.line("dps: assigned \(registrationID) to \(assignedHub)")
            return [
                reply(
                    200, rid: rid,
                    .object([
                        ("operationId", .string(operationID)), ("status", .string("assigned")),
                        (
                            "registrationState",
                            .object([
                                ("registrationId", .string(registrationID)), ("assignedHub", .string(assignedHub)),
                                ("deviceId", .string(registrationID)), ("status", .string("assigned")),
                                ("substatus", .string("initialAssignment")),
                            ])
                        ),
                    ]))
            ]
        }
        return []
    }

    /// A QoS 0 PUBLISH on the device's response topic.
    private func reply(_ status: Int, rid: String, extra: String = "", _ body: JSONValue) -> MQTTPacket {
        let topic = "$dps/registrations/res/\(status)/?$rid=\(rid)\(extra)"
        return .publish(MQTTMessage(topic: topic, text: JSONText.serialize(body)), packetID: nil, isDuplicate: false)
    }
}
