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
                notifications false
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
}
