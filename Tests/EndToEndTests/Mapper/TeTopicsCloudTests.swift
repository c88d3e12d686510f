import Foundation
import TedgeProviderAPI
import Testing

/// A child device's and a service's measurements published on `te/` reach the simulated cloud through
/// `tedge connect`, the mapper and the bridge, each in the cloud's own shape.
@Suite(.serialized) struct TeTopicsCloudTests {
    /// What two te/ measurements become in the cloud (the mappers' own health left aside): everything that arrived
    /// on `filters` until the second message `isMeasurement` says is one.
    func measurementsArrive(
        cloud: String, watching filters: [String], isMeasurement: (MQTTMessage) -> Bool = { _ in true }
    ) async throws -> [MQTTMessage] {
        let device = try await DeviceEnvironment()
        try await device.startSimulator()
        try await device.prepare(cloud: cloud)
        let (observer, inbox) = try await device.cloudClient(subscribing: filters)
        defer { observer.disconnect() }
        device.expectSuccess(try await device.tedge("connect", cloud))
        await device.waitForMapperUp(cloud)
        device.expectSuccess(
            try await device.tedge("mqtt", "pub", "te/device/child1///m/environment", #"{"temperature": 21}"#, "-q", "1"))
        device.expectSuccess(
            try await device.tedge("mqtt", "pub", "te/device/main/service/app/m/flow", #"{"litres": 3}"#, "-q", "1"))
        var arrived: [MQTTMessage] = []
        while arrived.filter(isMeasurement).count < 2, let message = await inbox.nextIgnoringServiceHealth(timeout: .seconds(15))
        {
            arrived.append(message)
        }
        device.expectSuccess(try await device.tedge("disconnect", cloud))
        return arrived
    }

    @Test func azure() async throws {
        let arrived = try await measurementsArrive(cloud: "az", watching: ["devices/my-device/messages/events/#"])
        // The device's own D2C topic, marked as UTF-8 JSON, the payload as published plus its time: no source, no type.
        #expect(
            arrived.map(\.topic)
                == Array(repeating: "devices/my-device/messages/events/$.ct=application%2Fjson&$.ce=utf-8", count: 2))
        let texts = arrived.compactMap(\.text)
        #expect(texts.contains { $0.hasPrefix(#"{"temperature":21,"time":"#) }, "\(texts)")
        #expect(texts.contains { $0.hasPrefix(#"{"litres":3,"time":"#) }, "\(texts)")
        #expect(texts.allSatisfy { !$0.contains("source") && !$0.contains("\"type\"") })
    }

    @Test func aws() async throws {
        let arrived = try await measurementsArrive(cloud: "aws", watching: ["thinedge/my-device/td/#"])
        // The source in the topic, from the entity id.
        let byTopic = Dictionary(arrived.map { ($0.topic, $0.text ?? "") }, uniquingKeysWith: { first, _ in first })
        #expect(
            Set(byTopic.keys) == [
                "thinedge/my-device/td/device:child1/m/environment", "thinedge/my-device/td/device:main:service:app/m/flow",
            ])
        #expect(byTopic["thinedge/my-device/td/device:child1/m/environment"]?.hasPrefix(#"{"temperature":21,"time":"#) == true)
        #expect(byTopic["thinedge/my-device/td/device:main:service:app/m/flow"]?.hasPrefix(#"{"litres":3,"time":"#) == true)
    }

    @Test func cumulocity() async throws {
        let measurements = "measurement/measurements/create"
        let arrived = try await measurementsArrive(cloud: "c8y", watching: ["s/us/#", measurements]) { $0.topic == measurements }
        let lines = arrived.map { "\($0.topic) \($0.text ?? "<bytes>")" }
        // Each entity is created (101 for the child device, 102 for the service, both under the main device, whose id
        // `tedge connect` recorded from the certificate) before its first measurement, which names it as its source.
        let child = lines.firstIndex(of: "s/us 101,my-device:device:child1,child1,thin-edge.io-child,false")
        let service = lines.firstIndex(of: "s/us 102,my-device:device:main:service:app,service,app,up")
        let childMeasurement = arrived.firstIndex {
            $0.topic == measurements
                && PayloadComparison.matches(
                    "json-time-now",
                    expected: #"{"externalSource":{"externalId":"my-device:device:child1","type":"c8y_Serial"},"#
                        + #""temperature":{"temperature":{"value":21}},"time":"<now>","type":"environment"}"#, actual: $0.payload)
        }
        let serviceMeasurement = arrived.firstIndex {
            $0.topic == measurements
                && PayloadComparison.matches(
                    "json-time-now",
                    expected: #"{"externalSource":{"externalId":"my-device:device:main:service:app","type":"c8y_Serial"},"#
                        + #""litres":{"litres":{"value":3}},"time":"<now>","type":"flow"}"#, actual: $0.payload)
        }
        #expect(child != nil && service != nil && childMeasurement != nil && serviceMeasurement != nil, "\(lines)")
        if let child, let service, let childMeasurement, let serviceMeasurement {
            #expect(child < childMeasurement && service < serviceMeasurement, "\(lines)")
        }
    }
}
