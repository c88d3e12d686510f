import TedgeCloudAws
import TedgeCloudProviderTesting
import TedgeProviderAPI
import Testing

@Suite struct AwsProviderTests {
    let provider = AwsProvider()

    func context() throws -> ConnectionContext {
        .sample(
            for: provider, deviceID: "my-device",
            cloud: try HostAndPort(parsing: "abc.iot.eu-west-1.amazonaws.com", defaultPort: 8883),
            rootCertificatePath: "/etc/ssl/certs/AmazonRootCA1.pem")
    }

    @Test func bridgeFile() throws {
        #expect(
            provider.bridge(try context()).render(rootCertificateIsDirectory: false) == """
                ### Bridge
                connection edge_to_aws
                remote_username my-device
                address abc.iot.eu-west-1.amazonaws.com:8883
                bridge_cafile /etc/ssl/certs/AmazonRootCA1.pem
                remote_clientid my-device
                local_clientid Aws
                bridge_certfile /etc/tedge/device-certs/tedge-certificate.pem
                bridge_keyfile /etc/tedge/device-certs/tedge-private-key.pem
                try_private false
                start_type automatic
                cleansession false
                notifications true
                notifications_local_only true
                notification_topic te/device/main/service/mosquitto-aws-bridge/status/health
                bridge_attempt_unsubscribe false
                bridge_tls_version tlsv1.2

                ### Topics
                topic td/# out 1 aws/ thinedge/my-device/
                topic cmd/# in 1 aws/ thinedge/my-device/
                topic shadow/# both 1 aws/ $aws/things/my-device/
                topic "" out 1 aws/test-connection thinedge/devices/my-device/test-connection
                topic "" in 1 aws/connection-success thinedge/devices/my-device/test-connection

                """)
    }

    @Test func converter() throws {
        var converter = AwsConverter(addTimestamp: true, clock: { try! Timestamp(rfc3339: "2021-04-08T00:00:00+05:00") })
        let main = try converter.convert(MQTTMessage(topic: "tedge/measurements", text: #"{"temperature": 23}"#)).get()
        #expect(
            main == [
                MQTTMessage(
                    topic: "aws/td/measurements", text: #"{"temperature":23.0,"time":"2021-04-08T00:00:00+05:00"}"#,
                    qos: .atLeastOnce)
            ])
        let child = try converter.convert(MQTTMessage(topic: "tedge/measurements/pump", text: #"{"rpm": 1200}"#)).get()
        #expect(child.first?.topic == "aws/td/pump/measurements")
        #expect(throws: ConversionError.self) {
            try converter.convert(MQTTMessage(topic: "tedge/measurements", text: "nope")).get()
        }
    }

    @Test func checkEchoesThroughTheBridge() throws {
        let check = provider.connectionCheck(try context())
        #expect(check.subscriptions == ["aws/connection-success"])
        #expect(check.request.topic == "aws/test-connection")
    }

    /// `aws.bridge.topic_prefix` moves the bridge's local side and the check with the mapper's outputs.
    @Test func customTopicPrefix() throws {
        var context = try context()
        var config = context.config
        try config.set(AwsProvider.topicPrefix, to: "custom-prefix")
        context = ConnectionContext(
            deviceID: context.deviceID, cloud: context.cloud, rootCertificatePath: context.rootCertificatePath,
            certificatePath: context.certificatePath, keyPath: context.keyPath, config: config)
        let rendered = provider.bridge(context).render(rootCertificateIsDirectory: false)
        #expect(rendered.contains("topic td/# out 1 custom-prefix/ thinedge/my-device/\n"))
        #expect(rendered.contains("topic \"\" in 1 custom-prefix/connection-success thinedge/devices/my-device/test-connection\n"))
        #expect(!rendered.contains(" aws/"))
        #expect(provider.connectionCheck(context).request.topic == "custom-prefix/test-connection")
    }

    /// The `te/` telemetry is `mea.toml`'s, written with the mapper's settings and prefix; the converter keeps the
    /// entity store and publishes the flow's outputs unretained.
    @Test func teTelemetryGoesThroughTheBuiltinFlow() throws {
        var config = try context().config
        try config.set(AwsProvider.topicPrefix, to: "custom-prefix")
        try config.set(AwsProvider.mapperTimestamp, to: "false")
        let mapper = try #require(provider.mapper(config))
        #expect(
            mapper.builtinFlows("2.0.1") == [
                AwsBuiltinFlows.measurements(version: "2.0.1", timestamp: false, topicPrefix: "custom-prefix")
            ])
        var converter = mapper.makeConverter([])
        let message = MQTTMessage(topic: "te/device/main///m/env", text: "{}", qos: .atLeastOnce)
        #expect(converter.beforeFlows(message) == FlowAdmission(outputs: [], toFlows: true))
        #expect(try converter.convert(message).get().isEmpty)
        #expect(!converter.afterFlows(MQTTMessage(topic: "custom-prefix/td/device:main/m/env", text: "{}", retain: true)).retain)
    }

    /// The te/ topics: the source from the entity id, one topic per kind, thin-edge's steps in between.
    @Test func teTopics() throws {
        let now = UnixTime(seconds: 1_617_822_000)!
        var converter = AwsConverter(
            addTimestamp: true, topicPrefix: "aws",
            te: TeTelemetryMapping(
                store: EntityStore(),
                pipeline: TelemetryPipeline(addTimestamp: true, timeFormat: .rfc3339, maxPacketSize: 131_072, clock: { now })))
        func convert(_ topic: String, _ payload: String) throws -> [MQTTMessage] {
            try converter.convert(MQTTMessage(topic: topic, text: payload, qos: .atLeastOnce)).get()
        }
        let cases: [(String, String)] = [
            ("te/device/main///m/", "aws/td/device:main/m/"),
            ("te/device/child/service/child_service/m/test_type", "aws/td/device:child:service:child_service/m/test_type"),
            ("te/device/main///e/event_type", "aws/td/device:main/e/event_type"),
            ("te/device/main/service/cservice/a/alarm_type", "aws/td/device:main:service:cservice/a/alarm_type"),
            ("te/device/main/service/test-service/status/health", "aws/td/device:main:service:test-service/status/health"),
        ]
        for (input, output) in cases {
            #expect(try convert(input, "{}").last?.topic == output, "\(input)")
        }
        #expect(try convert("te/device/main///m/", #"{"temperature": 23.0}"#).last?.text == #"{"temperature":23.0,"time":"2021-04-07T19:00:00Z"}"#)
        // The bridge's `0` goes nowhere in the cloud (its service gets registered on te/, as by thin-edge's agent).
        #expect(try convert("te/device/main/service/mosquitto-aws-bridge/status/health", "0").map(\.topic) == ["te/device/main/service/mosquitto-aws-bridge"])
        #expect(try convert("te/device/main///m/", "This is not Thin Edge JSON").map(\.text) == ["This is not Thin Edge JSON"])
        #expect(try convert("te/device/main///twin/x", "{}").isEmpty, "twin is not mapped")
        #expect(AwsConverter.cloudTopic(for: "root/a//c/d/m/x", prefix: "p") == "p/td/a:c:d/m/x")
        #expect(AwsConverter.cloudTopic(for: "te/device/main///cmd/x", prefix: "p") == nil)
    }
}
