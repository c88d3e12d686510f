import TedgeProviderAPI

/// How `te/` entities appear in Cumulocity's inventory (thin-edge's rules): their external ids, child devices
/// created with SmartREST 101 and services with 102 on their parent's SmartREST topic (`c8y/s/us` under the main
/// device, `c8y/s/us/<parent-xid>` else), service health as 102 with the status, and twin fragments as inventory
/// updates of the entity's managed object.
struct CumulocityInventory: Sendable {
    static let upstreamTopic = "c8y/s/us"
    static let inventoryTopic = "c8y/inventory/managedObjects/update"
    static let defaultChildType = "thin-edge.io-child"
    /// Twin fragments Cumulocity knows under another name.
    static let renamedFragments = ["agent": "c8y_Agent", "firmware": "c8y_Firmware"]

    /// The main device's id in the cloud (`c8y.device.id`).
    let mainDeviceID: String
    /// `c8y.smartrest.child_device.create_with_device_marker`: the fifth field of 101.
    let createWithDeviceMarker: Bool
    /// `service.type`: the type of a service that names none.
    let serviceType: String

    /// `@id`, else `<main-xid>:` and the topic id without its empty tail, `/` as `:`.
    func externalID(of entity: EntityMetadata, in store: EntityStore) -> String {
        entity.externalID ?? ExternalID.derived(from: entity.topicID, mainDeviceID: mainDeviceID, mainDevice: store.mainDevice)
    }

    /// Where SmartREST about `entity` itself goes (alarms): `c8y/s/us` for the main device, `c8y/s/us/<xid>` else.
    func smartRESTTopic(of entity: EntityMetadata, in store: EntityStore) -> String {
        entity.type == .device ? Self.upstreamTopic : Self.upstreamTopic + "/" + externalID(of: entity, in: store)
    }

    /// Where SmartREST creating `entity` goes: its parent's topic.
    func parentTopic(of entity: EntityMetadata, in store: EntityStore) -> String {
        guard let parent = entity.parent.flatMap({ store[$0] }) else { return Self.upstreamTopic }
        let parentID = externalID(of: parent, in: store)
        return parentID == mainDeviceID ? Self.upstreamTopic : Self.upstreamTopic + "/" + parentID
    }

    /// 101 for a child device, 102 (`up`) for a service, nothing for the main device; then its twin data other than
    /// `name` and `type` (which the 101/102 carries) as inventory updates.
    func registration(_ entity: EntityMetadata, in store: EntityStore) -> Result<[MQTTMessage], ConversionError> {
        let id = externalID(of: entity, in: store)
        var outputs: [MQTTMessage] = []
        switch entity.type {
        case .device:
            return .success([])
        case .childDevice:
            let name = entity.name ?? id
            let type = entity.displayType ?? Self.defaultChildType
            guard !name.isEmpty, !type.isEmpty else {
                return .failure(ConversionError("Could not create device creation message"))
            }
            let line = SmartREST.record(["101", id, name, type, createWithDeviceMarker ? "true" : "false"])
            outputs.append(MQTTMessage(topic: parentTopic(of: entity, in: store), text: line, qos: .atLeastOnce))
        case .service:
            guard let line = serviceLine(entity, externalID: id, status: "up") else {
                return .failure(ConversionError("Could not create service creation message"))
            }
            outputs.append(MQTTMessage(topic: parentTopic(of: entity, in: store), text: line, qos: .atLeastOnce))
        }
        for (key, value) in entity.twinData where key != "name" && key != "type" {
            outputs.append(twinUpdate(entity, key: key, value: value, in: store))
        }
        return .success(outputs)
    }

    /// A service's health as 102 with its status on the parent's topic; nothing for devices. When mosquitto's or
    /// the built-in bridge to Cumulocity comes up, `500` asks for the operations sent while it was down.
    func health(_ entity: EntityMetadata, payload: [UInt8], in store: EntityStore) -> [MQTTMessage] {
        guard entity.type == .service else { return [] }
        let status = ServiceHealth.status(of: payload, service: entity.topicID)
        guard let line = serviceLine(entity, externalID: externalID(of: entity, in: store), status: status) else { return [] }
        var outputs = [MQTTMessage(topic: parentTopic(of: entity, in: store), text: line, qos: .atLeastOnce)]
        let name = serviceName(entity, externalID: externalID(of: entity, in: store))
        if status == "up", name == "mosquitto-c8y-bridge" || name == "tedge-mapper-bridge-c8y" {
            outputs.append(MQTTMessage(topic: Self.upstreamTopic, text: "500", qos: .atLeastOnce))
        }
        return outputs
    }

    /// `{"<fragment>": <value>}` on the entity's managed object (`null` removes the fragment), with Cumulocity's
    /// names for `agent` and `firmware`, and `serviceType` for a service's `type`.
    func twinUpdate(_ entity: EntityMetadata, key: String, value: JSONValue, in store: EntityStore) -> MQTTMessage {
        let fragment = entity.type == .service && key == "type" ? "serviceType" : Self.renamedFragments[key] ?? key
        return MQTTMessage(
            topic: Self.inventoryTopic + "/" + externalID(of: entity, in: store),
            text: JSONText.serialize(.object([(fragment, value)])),
            qos: .atLeastOnce)
    }

    /// `name`, else the service segment of a default-scheme id, else the external id.
    private func serviceName(_ entity: EntityMetadata, externalID: String) -> String {
        entity.name ?? entity.topicID.defaultServiceName.map(String.init) ?? externalID
    }

    /// `102,<xid>,<type>,<name>,<status>`; nil when a field would be empty.
    private func serviceLine(_ entity: EntityMetadata, externalID: String, status: String) -> String? {
        let name = serviceName(entity, externalID: externalID)
        let type = entity.displayType ?? (serviceType.isEmpty ? "service" : serviceType)
        guard !name.isEmpty, !type.isEmpty, !status.isEmpty else { return nil }
        return SmartREST.record(["102", externalID, type, name, status])
    }
}

extension EntityMetadata {
    /// `name`, when it is a string.
    fileprivate var name: String? { if case .string(let text)? = twin("name") { text } else { nil } }
}
