import TedgeMessaging
import TedgeThinEdgeJSON
import TedgeTopics
import Testing

/// The entity store each mapper keeps: parents, pending children, updates, deregistration, auto-registration.
@Suite struct EntityStoreTests {
    var store = EntityStore()

    func id(_ text: String) -> EntityTopicID { try! EntityTopicID(text) }

    mutating func register(_ topicID: String, _ payload: String) throws(EntityStoreError) -> EntityChange {
        try store.apply(registrationPayload: Array(payload.utf8), for: id(topicID))
    }

    func registeredIDs(_ change: EntityChange) -> [String] {
        guard case .registered(let entities, _) = change else { return [] }
        return entities.map(\.entity.topicID.description)
    }

    @Test mutating func parentsDefaultAsThinEdgeSays() throws {
        #expect(registeredIDs(try register("device/child1//", #"{"@type":"child-device"}"#)) == ["device/child1//"])
        #expect(store[id("device/child1//")]?.parent == .mainDevice)
        _ = try register("device/child1/service/app", #"{"@type":"service"}"#)
        #expect(store[id("device/child1/service/app")]?.parent == id("device/child1//"))
        _ = try register("custom/service/collectd/", #"{"@type":"service"}"#)
        #expect(store[id("custom/service/collectd/")]?.parent == .mainDevice)
        _ = try register("device/child2//", #"{"@type":"child-device","@parent":"device/child1"}"#)
        #expect(store.ancestors(of: id("device/child2//")) == [id("device/child1//"), .mainDevice])
        #expect(store.children(of: id("device/child1//")) == [id("device/child1/service/app"), id("device/child2//")])
        #expect(store.count == 5)
    }

    @Test mutating func onlyDevicesCanBeParents() throws {
        _ = try register("device/main/service/svc", #"{"@type":"service"}"#)
        #expect(
            throws: EntityStoreError.serviceParent(parent: id("device/main/service/svc"), child: id("device/child1//"))
        ) { try register("device/child1//", #"{"@type":"child-device","@parent":"device/main/service/svc"}"#) }
        #expect(
            EntityStoreError.serviceParent(parent: id("device/main/service/svc"), child: id("device/child1//")).description
                == "Entity: 'device/main/service/svc' can not be a parent of 'device/child1//' because it is a service. Only devices can be parents"
        )
        #expect(throws: EntityStoreError.selfParent(id("device/c//"))) {
            try register("device/c//", #"{"@type":"child-device","@parent":"device/c//"}"#)
        }
        #expect(throws: EntityStoreError.mainDeviceAlreadyRegistered(.mainDevice)) {
            try register("device/other//", #"{"@type":"device"}"#)
        }
    }

    @Test mutating func childrenWaitForTheirParent() throws {
        let grandchild = try register("device/gc//", #"{"@type":"child-device","@parent":"device/c//"}"#)
        #expect(grandchild == .pending(parent: id("device/c//")))
        #expect(try register("device/c//", #"{"@type":"child-device","@parent":"device/gw//"}"#) == .pending(parent: id("device/gw//")))
        _ = try register("device/gw//svc", #"{"@type":"service","@parent":"device/gw//"}"#)
        #expect(store.isPending(id("device/gc//")) && store.pendingCount == 3)
        let change = try register("device/gw//", #"{"@type":"child-device"}"#)
        #expect(registeredIDs(change) == ["device/gw//", "device/c//", "device/gc//", "device/gw//svc"])
        #expect(store.pendingCount == 0 && store.count == 5)
    }

    @Test mutating func pendingChildrenOfAServiceAreRejected() throws {
        _ = try register("device/c//", #"{"@type":"child-device","@parent":"device/main/service/x"}"#)
        let change = try register("device/main/service/x", #"{"@type":"service"}"#)
        #expect(
            change
                == .registered(
                    [RegisteredEntity(entity: store[id("device/main/service/x")]!)],
                    rejected: [.serviceParent(parent: id("device/main/service/x"), child: id("device/c//"))]))
        #expect(store[id("device/c//")] == nil && store.pendingCount == 0)
    }

    @Test mutating func updatesMayChangeParentAndHealthOnly() throws {
        _ = try register("device/a//", #"{"@type":"child-device","name":"A"}"#)
        _ = try register("device/b//", #"{"@type":"child-device"}"#)
        _ = try register("device/b/service/s", #"{"@type":"service"}"#)
        #expect(try register("device/a//", #"{"@type":"child-device","name":"A"}"#) == .unchanged)
        #expect(try register("device/a//", #"{"@type":"child-device"}"#) == .unchanged)
        guard case .updated(let before, let after) = try register("device/a//", #"{"@type":"child-device","@parent":"device/b//","@health":"device/b/service/s"}"#)
        else { Issue.record("not an update"); return }
        #expect(before.parent == .mainDevice && after.parent == id("device/b//") && after.health == id("device/b/service/s"))
        #expect(store.children(of: .mainDevice) == [id("device/b//")])
        #expect(store.children(of: id("device/b//")) == [id("device/a//"), id("device/b/service/s")])

        #expect(throws: EntityStoreError.typeUpdate(id("device/a//"))) { try register("device/a//", #"{"@type":"service"}"#) }
        #expect(EntityStoreError.typeUpdate(id("device/a//")).description == "Updating the entity type of device/a// is not supported")
        #expect(throws: EntityStoreError.externalIDUpdate(id("device/a//"))) {
            try register("device/a//", #"{"@type":"child-device","@id":"new"}"#)
        }
        #expect(throws: EntityStoreError.twinUpdate(id("device/a//"))) {
            try register("device/a//", #"{"@type":"child-device","name":"B"}"#)
        }
        #expect(throws: EntityStoreError.serviceParent(parent: id("device/b/service/s"), child: id("device/a//"))) {
            try register("device/a//", #"{"@type":"child-device","@parent":"device/b/service/s"}"#)
        }
        #expect(throws: EntityStoreError.descendantParent(parent: id("device/a//"), child: id("device/b//"))) {
            try register("device/b//", #"{"@type":"child-device","@parent":"device/a//"}"#)
        }
        #expect(throws: EntityStoreError.unknownParent(id("device/z//"))) {
            try register("device/a//", #"{"@type":"child-device","@parent":"device/z//"}"#)
        }
        #expect(throws: EntityStoreError.mainDeviceParentUpdate) {
            try register("device/main//", #"{"@type":"device","@parent":"device/a//"}"#)
        }
    }

    @Test mutating func deregistrationRemovesTheSubtree() throws {
        _ = try register("device/a//", #"{"@type":"child-device"}"#)
        _ = try register("device/b//", #"{"@type":"child-device","@parent":"device/a//"}"#)
        _ = try register("device/b/service/s", #"{"@type":"service"}"#)
        _ = try register("device/c//", #"{"@type":"child-device"}"#)
        guard case .deregistered(let removed) = try register("device/a//", "") else { Issue.record("no deregistration"); return }
        #expect(removed.map(\.topicID.description) == ["device/a//", "device/b//", "device/b/service/s"])
        #expect(store.count == 2 && store.children(of: .mainDevice) == [id("device/c//")])
        #expect(try register("device/a//", "") == .deregistered([]))
        #expect(store.deregister(.mainDevice).isEmpty && store.count == 2)
        _ = try register("device/p//", #"{"@type":"child-device","@parent":"device/q//"}"#)
        #expect(try register("device/p//", "") == .deregistered([]))
        #expect(store.pendingCount == 0)
    }

    @Test mutating func autoRegistrationGeneratesThinEdgesMessages() throws {
        var store = EntityStore()
        let schema = TopicSchema()
        let service = store.autoRegister(id("device/child1/service/app"))
        #expect(service.messages.map { $0.message(in: schema).topic } == ["te/device/child1//", "te/device/child1/service/app"])
        #expect(
            service.messages.map(\.payload) == [
                #"{"@parent":"device/main//","@type":"child-device","name":"child1"}"#,
                #"{"@parent":"device/child1//","@type":"service","name":"app"}"#,
            ])
        #expect(store.autoRegister(id("device/child1/service/app")) == .none)
        #expect(store.autoRegister(id("device/child1//")) == .none)
        let mainService = store.autoRegister(id("device/main/service/tedge-agent"))
        #expect(mainService.messages.map(\.payload) == [#"{"@parent":"device/main//","@type":"service","name":"tedge-agent"}"#])
        #expect(store.autoRegister(id("factory/hall/belt/1")).failure == .nonDefaultScheme(id("factory/hall/belt/1")))
        #expect(
            EntityStoreError.nonDefaultScheme(id("a///")).description
                == "Auto registration of the entity with topic id a/// failed as it does not match the default topic scheme: 'device/<device-id>/service/<service-id>'. Try explicit registration instead."
        )
        store.autoRegister = false
        #expect(store.autoRegister(id("device/x//")).messages.isEmpty)
    }

    @Test mutating func receiveRoutesEveryKindOfMessage() throws {
        func message(_ topic: String, _ text: String) -> MQTTMessage { MQTTMessage(topic: topic, text: text) }
        #expect(store.receive(message("tedge/measurements", "{}")) == .other)
        #expect(store.receive(message("te/errors", "boom")) == .errorReport)
        #expect(store.receive(message("te/device/main///x/y", "{}")) == .invalid(#"Channel group invalid: Invalid category: "x/y""#))
        guard case .registration(_, .registered) = store.receive(message("te/device/c//", #"{"@type":"child-device"}"#))
        else { Issue.record("not registered"); return }
        #expect(store.receive(message("te/device/c//", #"{"@type":"service"}"#)) == .invalid("Updating the entity type of device/c// is not supported"))
        #expect(store.receive(message("te/device/c///m/env", "{}")) == .data(id("device/c//"), .measurement(type: "env"), autoRegistration: .none))
        guard case .data(_, _, let auto) = store.receive(message("te/device/d///e/x", "{}")) else { Issue.record("no data"); return }
        #expect(auto.messages.map(\.topicID) == [id("device/d//")])
        // An empty payload (an alarm cleared), commands and signals do not auto-register.
        #expect(store.receive(message("te/device/e///a/x", "")) == .data(id("device/e//"), .alarm(type: "x"), autoRegistration: .none))
        #expect(store.receive(message("te/device/f///cmd/restart/1", "{}")) == .data(id("device/f//"), .command(operation: .restart, id: "1"), autoRegistration: .none))
        #expect(store[id("device/e//")] == nil && store[id("device/f//")] == nil)
        // Twin fragments: keys and values checked (a bad value in serde's words, as thin-edge's c8y mapper reports
        // it), the store's twin data kept current, and whether it changed said.
        #expect(store.receive(message("te/device/c///twin/@x", "1")) == .invalid(EntityStoreError.invalidTwinKey("@x").description))
        #expect(store.receive(message("te/device/c///twin/os", "unquoted value")) == .invalid("expected value at line 1 column 1"))
        let debian = JSONValue.object([("family", .string("Debian"))])
        #expect(
            store.receive(message("te/device/c///twin/os", #"{"family":"Debian"}"#))
                == .twin(id("device/c//"), fragment: "os", value: debian, changed: true, autoRegistration: .none))
        #expect(store[id("device/c//")]?.twin("os") == debian)
        #expect(
            store.receive(message("te/device/c///twin/os", #"{"family":"Debian"}"#))
                == .twin(id("device/c//"), fragment: "os", value: debian, changed: false, autoRegistration: .none))
        #expect(
            store.receive(message("te/device/c///twin/os", ""))
                == .twin(id("device/c//"), fragment: "os", value: nil, changed: true, autoRegistration: .none))
        #expect(store[id("device/c//")]?.twin("os") == nil)
        // A twin fragment of an unknown default-scheme entity registers it first; of a custom one, changes nothing.
        guard case .twin(_, _, _, true, let twinAuto) = store.receive(message("te/device/g///twin/os", #""linux""#)) else {
            Issue.record("not applied")
            return
        }
        #expect(twinAuto.messages.map(\.topicID) == [id("device/g//")] && store[id("device/g//")]?.twin("os") == .string("linux"))
        guard case .twin(_, _, _, false, let customAuto) = store.receive(message("te/factory/belt///twin/os", #""linux""#)) else {
            Issue.record("applied")
            return
        }
        #expect(customAuto.failure == .nonDefaultScheme(id("factory/belt//")))
    }

    @Test mutating func earlyDataComesBackWithTheRegistration() throws {
        let early = MQTTMessage(topic: "te/device/c///m/env", text: "{}")
        store.cacheEarlyData(early, for: id("device/c//"))
        _ = try register("device/c//", #"{"@type":"child-device","@parent":"device/gw//"}"#)
        let change = try register("device/gw//", #"{"@type":"child-device"}"#)
        guard case .registered(let entities, _) = change else { Issue.record("not registered"); return }
        #expect(entities.last?.dataMessages == [early])
    }

    @Test mutating func pendingIsBounded() throws {
        var store = EntityStore(pendingRegistrationLimit: 3, pendingDataLimit: 2)
        for n in 0..<5 {
            _ = try store.apply(registrationPayload: Array(#"{"@type":"child-device","@parent":"device/gw//"}"#.utf8), for: id("device/c\(n)//"))
        }
        for _ in 0..<4 { store.cacheEarlyData(MQTTMessage(topic: "te/device/c4///m/", text: "{}"), for: id("device/c4//")) }
        #expect(store.pendingCount == 3 && store.droppedPending == 4)
        #expect(!store.isPending(id("device/c0//")) && store.isPending(id("device/c4//")))
    }

    @Test mutating func twinFragments() throws {
        #expect(try store.updateTwin(.mainDevice, key: "os", value: .string("linux")))
        #expect(try !store.updateTwin(.mainDevice, key: "os", value: .string("linux")))
        #expect(store[.mainDevice]?.twin("os") == .string("linux"))
        #expect(try store.updateTwin(.mainDevice, key: "os", value: nil))
        #expect(throws: EntityStoreError.invalidTwinKey("@id")) { try store.updateTwin(.mainDevice, key: "@id", value: .null) }
        #expect(throws: EntityStoreError.unknownEntity(id("device/x//"))) { try store.updateTwin(id("device/x//"), key: "a", value: .null) }
    }
}
