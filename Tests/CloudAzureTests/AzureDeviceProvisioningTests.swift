import TedgeCloudAzure
import TedgeProviderAPI
import Testing

/// The provider's side of DPS: when it provisions, and how it judges each answer.
@Suite struct AzureDeviceProvisioningTests {
    let provider = AzureProvider()
    let dps = AzureDeviceProvisioning(idScope: "0ne0000ABCD", registrationID: "my-device")

    func config(_ values: [String: String]) throws -> TedgeConfig {
        var config = TedgeConfig(schema: ConfigSchema(providerKeys: provider.configKeys), directory: "/etc/tedge")
        for (name, value) in values { try config.set(try #require(config.schema.key(named: name)), to: value) }
        return config
    }

    func answer(_ topic: String, _ body: String) -> MQTTMessage {
        MQTTMessage(topic: topic, text: body, qos: .atMostOnce)
    }

    @Test func provisionsOnlyWithAnIDScopeAndNoHub() throws {
        let none = provider.provisioning(ProvisioningRequest(deviceID: "my-device", config: try config([:])))
        #expect(none == nil)
        let hubKnown = try config(["az.dps.id_scope": "0ne0000ABCD", "az.url": "hub.azure-devices.net"])
        #expect(provider.provisioning(ProvisioningRequest(deviceID: "my-device", config: hubKnown)) == nil)

        let exchange = try #require(
            provider.provisioning(
                ProvisioningRequest(
                    deviceID: "my-device", config: try config(["az.dps.id_scope": "0ne0000ABCD"]))))
        #expect(exchange.endpoint == HostAndPort(host: "global.azure-devices-provisioning.net", port: 8883))
        #expect(exchange.clientID == "my-device")
        #expect(exchange.username == "0ne0000ABCD/registrations/my-device/api-version=2019-03-31")
        #expect(exchange.subscriptions == ["$dps/registrations/res/#"])
        #expect(exchange.first.topic == "$dps/registrations/PUT/iotdps-register/?$rid=1")
        #expect(exchange.first.text == #"{"registrationId":"my-device"}"#)
        #expect(
            exchange.announcement == "Provisioning the device through the Azure Device Provisioning Service (scope 0ne0000ABCD).")

        let local = try #require(
            provider.provisioning(
                ProvisioningRequest(
                    deviceID: "my-device", config: try config(["az.dps.id_scope": "0ne0000ABCD", "az.dps.url": "localhost:8884"]))
            ))
        #expect(local.endpoint == HostAndPort(host: "localhost", port: 8884))
    }

    @Test func assigningIsPolledAfterRetryAfter() {
        let step = dps.judge(
            answer(
                "$dps/registrations/res/202/?$rid=1&retry-after=2",
                #"{"operationId":"4.abc.my-device","status":"assigning"}"#))
        #expect(
            step
                == .request(
                    MQTTMessage(
                        topic: "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId=4.abc.my-device",
                        payload: [], qos: .atLeastOnce),
                    after: .seconds(2)))
    }

    @Test func retryAfterIsBounded() {
        let step = dps.judge(
            answer("$dps/registrations/res/202/?$rid=3&retry-after=3600", #"{"operationId":"op","status":"assigning"}"#))
        guard case .request(let next, let delay) = step else { Issue.record("not a poll: \(step)"); return }
        #expect(delay == .seconds(10))
        #expect(next.topic.contains("$rid=4&operationId=op"))
    }

    @Test func assignedGivesTheHubAsAzURL() {
        let step = dps.judge(
            answer(
                "$dps/registrations/res/200/?$rid=2",
                """
                {"operationId":"op","status":"assigned","registrationState":{"registrationId":"my-device",
                 "assignedHub":"contoso.azure-devices.net","deviceId":"my-device","status":"assigned"}}
                """))
        #expect(
            step
                == .provisioned(
                    settings: ["az.url": "contoso.azure-devices.net"],
                    report: "Device provisioned: assigned to hub contoso.azure-devices.net."))
    }

    @Test func anotherDeviceIDIsNotSupported() {
        let step = dps.judge(
            answer(
                "$dps/registrations/res/200/?$rid=2",
                """
                {"status":"assigned","registrationState":{"assignedHub":"contoso.azure-devices.net","deviceId":"other"}}
                """))
        guard case .failed(let reason) = step else { Issue.record("not a failure: \(step)"); return }
        #expect(reason.contains("'other'") && reason.contains("not supported"))
    }

    @Test func unauthorisedFailsWithTheServicesMessage() {
        let step = dps.judge(answer("$dps/registrations/res/401/?$rid=1", #"{"errorCode":401002,"message":"Unauthorized"}"#))
        #expect(
            step == .failed("The Device Provisioning Service refused the registration of my-device (status 401): Unauthorized"))
    }

    @Test func aFailedOrDisabledRegistrationUsesItsErrorMessage() {
        for status in ["failed", "disabled"] {
            let step = dps.judge(
                answer(
                    "$dps/registrations/res/200/?$rid=2",
                    """
                    {"status":"\(status)","registrationState":{"status":"\(status)","errorMessage":"Enrollment is \(status)"}}
                    """))
            #expect(step == .failed("The Device Provisioning Service did not assign my-device: Enrollment is \(status)"))
        }
    }

    @Test func otherTopicsAreIgnored() {
        #expect(dps.judge(answer("$dps/something/else", "{}")) == .ignore)
    }
}
