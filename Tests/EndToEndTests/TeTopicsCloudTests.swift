import Foundation
import TedgeProviderAPI
import Testing

/// A child device's and a service's measurements published on `te/` reach the simulated cloud through
/// `tedge connect`, the mapper and the bridge, each in the cloud's own shape.
@Suite(.serialized) struct TeTopicsCloudTests {
    /// What two te/ measurements become in the cloud (the mappers' own health left aside).
    func measurementsArrive(cloud: String, watching filter: String) async throws -> [MQTTMessage] {
        let device = try DeviceEnvironment()
        try await device.startSimulator()
        try device.prepare(cloud: cloud)
        let (observer, inbox) = try await device.cloudClient(subscribing: [filter])
        defer { observer.disconnect() }
        device.expectSuccess(try device.tedge("connect", cloud))
        await device.waitForMapperUp(cloud)
        device.expectSuccess(try device.tedge("mqtt", "pub", "te/device/child1///m/environment", #"{"temperature": 21}"#, "-q", "1"))
        device.expectSuccess(try device.tedge("mqtt", "pub", "te/device/main/service/app/m/flow", #"{"litres": 3}"#, "-q", "1"))
        var arrived: [MQTTMessage] = []
        while arrived.count < 2, let message = await inbox.nextIgnoringServiceHealth(timeout: .seconds(15)) {
            arrived.append(message)
        }
        device.expectSuccess(try device.tedge("disconnect", cloud))
        return arrived
    }

    @Test func azure() async throws {
        let arrived = try await measurementsArrive(cloud: "az", watching: "devices/my-device/messages/events/#")
        // The device's own D2C topic, marked as UTF-8 JSON, the payload as published plus its time: no source, no type.
        #expect(arrived.map(\.topic) == Array(repeating: "devices/my-device/messages/events/$.ct=application%2Fjson&$.ce=utf-8", count: 2))
        let texts = arrived.compactMap(\.text)
        #expect(texts.contains { $0.hasPrefix(#"{"temperature":21,"time":"#) }, "\(texts)")
        #expect(texts.contains { $0.hasPrefix(#"{"litres":3,"time":"#) }, "\(texts)")
        #expect(texts.allSatisfy { !$0.contains("source") && !$0.contains("\"type\"") })
    }

    @Test func aws() async throws {
        let arrived = try await measurementsArrive(cloud: "aws", watching: "thinedge/my-device/td/#")
        // The source in the topic, from the entity id.
        let byTopic = Dictionary(arrived.map { ($0.topic, $0.text ?? "") }, uniquingKeysWith: { first, _ in first })
        #expect(
            Set(byTopic.keys) == ["thinedge/my-device/td/device:child1/m/environment", "thinedge/my-device/td/device:main:service:app/m/flow"])
        #expect(byTopic["thinedge/my-device/td/device:child1/m/environment"]?.hasPrefix(#"{"temperature":21,"time":"#) == true)
        #expect(byTopic["thinedge/my-device/td/device:main:service:app/m/flow"]?.hasPrefix(#"{"litres":3,"time":"#) == true)
    }
}
