import Testing

@testable import TedgeCloudSimulator

struct DeviceUsernameTests {
    @Test func azureSDKUsernameWithItsOwnAPIVersionAndClientTypeIsAccepted() {
        let sdk = "localhost/dev-1/?api-version=2019-10-01&DeviceClientType=azure-iot-device-iothub-py%2F2.14.0"
        #expect(DeviceUsername.problem(with: sdk, deviceID: "dev-1") == nil)
        #expect(
            DeviceUsername.classify(sdk)
                == .azure(
                    host: "localhost", deviceID: "dev-1",
                    parameters: [
                        "api-version": "2019-10-01", "DeviceClientType": "azure-iot-device-iothub-py/2.14.0",
                    ]))
    }

    @Test func tedgesBridgeUsernameIsAccepted() {
        #expect(DeviceUsername.problem(with: "myhub.azure-devices.net/dev-1/?api-version=2018-06-30", deviceID: "dev-1") == nil)
    }

    @Test func azureUsernameNamingAnotherDeviceOrNoHostIsRefused() {
        #expect(
            DeviceUsername.problem(with: "hub/dev-2/?api-version=2018-06-30", deviceID: "dev-1")?.contains("names device 'dev-2'")
                == true)
        #expect(
            DeviceUsername.problem(with: "/dev-1/?api-version=2018-06-30", deviceID: "dev-1")?.contains("no IoT Hub host") == true
        )
    }

    @Test func awsAndCumulocityUsernamesAreNotAzureAndAreAccepted() {
        for username in [nil, "", "dev-1", "?SDK=IoTDeviceSDK/Python&Platform=CPython%203.11&Version=1.31.0", "anything/?x=1"] {
            #expect(DeviceUsername.classify(username) == .other, "\(username ?? "nil")")
            #expect(DeviceUsername.problem(with: username, deviceID: "dev-1") == nil)
        }
    }

    @Test func deviceProvisioningUsernamesAreToldApart() {
        #expect(
            DeviceUsername.classify("0ne0000ABCD/registrations/dev-1/api-version=2019-03-31")
                == .deviceProvisioning(idScope: "0ne0000ABCD", registrationID: "dev-1"))
        #expect(
            DeviceUsername.classify("0ne0000ABCD/registrations/dev-1/?api-version=2019-03-31")
                != .deviceProvisioning(idScope: "0ne0000ABCD", registrationID: "dev-1"))
        // A hub session must not carry a DPS username.
        #expect(DeviceUsername.problem(with: "0ne0000ABCD/registrations/dev-1/api-version=2019-03-31", deviceID: "dev-1") != nil)
    }
}
