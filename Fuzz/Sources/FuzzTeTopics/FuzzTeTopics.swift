import FuzzDriver
import TedgeMessaging
import TedgeTopics

/// The `te/` topic and registration parsers and the entity store. The input is lines `<topic>\t<payload>`: each
/// topic is parsed (what parses prints back to a topic that parses the same), each payload read as a registration
/// (what parses serialises to a registration that reads the same), and all lines go through one entity store, whose
/// tree must stay whole: every entity but the main device has a registered device as parent, and its ancestors end
/// at the main device.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTeTopics(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let schema = TopicSchema()
    var store = EntityStore(schema: schema, pendingRegistrationLimit: 8, pendingDataLimit: 8)
    for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
        let tab = line.firstIndex(of: UInt8(ascii: "\t")) ?? line.endIndex
        let topic = String(decoding: line[..<tab], as: UTF8.self)
        let payload = tab == line.endIndex ? [] : Array(line[line.index(after: tab)...])
        checkTopic(topic, schema)
        checkRegistration(payload)
        switch store.receive(MQTTMessage(topic: topic, payload: payload)) {
        case .invalid(let text): precondition(!text.isEmpty, "an error without text")
        default: break
        }
        checkTree(store)
    }
    return 0
}

func checkTopic(_ topic: String, _ schema: TopicSchema) {
    if let id = try? EntityTopicID(topic) {
        precondition(id.description.utf8.filter { $0 == UInt8(ascii: "/") }.count == 3, "not 4 segments: \(id)")
        precondition((try? EntityTopicID(id.description)) == id, "id does not read back: \(id)")
    }
    guard let (id, channel) = try? schema.parse(topic) else { return }
    let printed = schema.topic(for: id, channel)
    guard let (again, againChannel) = try? schema.parse(printed), again == id, againChannel == channel else {
        fatalError("\(topic) prints as \(printed), which does not parse the same")
    }
}

func checkRegistration(_ payload: [UInt8]) {
    let id = EntityTopicID.mainDevice
    do {
        let registration = try EntityRegistration(topicID: id, payload: payload)
        let text = registration.payload
        guard let again = try? EntityRegistration(topicID: id, payload: Array(text.utf8)), again.payload == text else {
            fatalError("registration \(text) does not read back")
        }
    } catch {
        precondition(!error.description.isEmpty, "an error without text")
    }
}

func checkTree(_ store: EntityStore) {
    for id in store.topicIDs where id != store.mainDevice {
        guard let entity = store[id], let parent = entity.parent, let parentEntity = store[parent] else {
            fatalError("\(id) has no registered parent")
        }
        precondition(parentEntity.type.isDevice, "\(id)'s parent \(parent) is a service")
        precondition(store.children(of: parent).contains(id), "\(parent) does not list its child \(id)")
        precondition(store.ancestors(of: id).last == store.mainDevice, "\(id)'s ancestors do not end at the main device")
    }
}

/// The process entry point SwiftPM links as `main`: libFuzzer's driver, with this file's target.
@_cdecl("FuzzTeTopics_main")
public func FuzzTeTopicsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv) { data, size in fuzzTeTopics(data, size) }
}
