import Glibc
import TedgeMQTTCodec
import TedgeOpenSSL

/// Decides whether a device may connect, the way the clouds do: a registered certificate (by
/// SHA-1 thumbprint, primary or secondary) or one signed by a registered CA, within its validity,
/// client id = certificate CN, and a username as `DeviceUsername` says the clouds accept it.
struct DeviceAuthenticator: Sendable {
    let directory: SimulatorDirectory

    struct Rejection: Error, Equatable {
        /// MQTT 3.1.1 CONNACK return code.
        let code: UInt8
        let reason: String
    }

    func authenticate(certificate: Certificate?, connect: MQTTConnect) -> Result<String, Rejection> {
        guard let certificate else { return .failure(Rejection(code: 5, reason: "no client certificate")) }
        let thumbprint = certificate.sha1Thumbprint
        let deviceID: String
        if let registered = directory.registeredDevice(thumbprint: thumbprint) {
            deviceID = registered
        } else if let ca = directory.signingAuthority(of: certificate), let commonName = certificate.subject.commonName {
            let now = Int(time(nil))
            guard ca.notBefore <= now, now < ca.notAfter else {
                return .failure(Rejection(code: 5, reason: "the CA \(ca.subject) that signed \(commonName) is not valid now"))
            }
            deviceID = commonName
        } else {
            return .failure(
                Rejection(
                    code: 5, reason: "certificate thumbprint \(thumbprint) is not registered, nor signed by a registered CA"))
        }
        let now = Int(time(nil))
        guard certificate.notBefore <= now, now < certificate.notAfter else {
            return .failure(Rejection(code: 5, reason: "certificate of \(deviceID) is not valid now"))
        }
        guard certificate.subject.commonName == deviceID else {
            return .failure(
                Rejection(
                    code: 5,
                    reason: "certificate CN \(certificate.subject.commonName ?? "-") is not the registered id \(deviceID)"))
        }
        guard connect.clientID == deviceID else {
            return .failure(Rejection(code: 2, reason: "client id '\(connect.clientID)' is not the device id \(deviceID)"))
        }
        if let problem = DeviceUsername.problem(with: connect.username, deviceID: deviceID) {
            return .failure(Rejection(code: 4, reason: problem))
        }
        return .success(deviceID)
    }
}
