import ArgumentParser
import TedgeCloudSimulator
import TedgeProviderAPI
import TedgeSystem

struct InvokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoke",
        abstract:
            "Invoke a direct method on a device and print its status and payload (like `az iot hub invoke-device-method`); 504 after --timeout"
    )

    @OptionGroup var directory: DirectoryOption

    @Argument(help: "The device id") var device: String
    @Argument(help: "The method name") var method: String
    @Argument(help: "The method's JSON payload") var payload: String

    @Option(
        help: "Seconds to wait for the device's answer (IoT Hub's responseTimeoutInSeconds); then the hub answers 504 itself")
    var timeout: Double = 30

    func validate() throws {
        if timeout <= 0 { throw ValidationError("--timeout must be positive") }
        // Whatever the hub would pass on, odd names included (devices must refuse them); wildcards cannot be published.
        if method.isEmpty || method.contains("+") || method.contains("#") || method.contains("\u{0}") {
            throw ValidationError("'\(method)' is not a method name")
        }
    }

    func run() async throws {
        do {
            let requestID = RequestID.make()
            let prefix = "devices/\(device)/$iothub/methods/"
            let cloud = try await CloudSide.connect(directory: directory.path, name: "invoke", subscribing: [prefix + "res/#"])
            defer { cloud.client.disconnect() }
            try await cloud.publish(prefix + "POST/\(method)/?$rid=\(requestID)", payload)
            let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
            while case let left = deadline - ContinuousClock.now, left > .zero {
                guard let answer = await cloud.inbox.next(timeout: left) else { break }
                guard let reply = MethodReply(topic: answer.topic, requestID: requestID) else { continue }
                let body = answer.payload.isEmpty ? "null" : (String(validating: answer.payload, as: UTF8.self) ?? "null")
                let payloadJSON =
                    (try? JSONText.parse(Array(body.utf8)).get()).map(JSONText.serialize) ?? JSONText.serialize(.string(body))
                Console.standardOutput.line(#"{"status":\#(reply.status),"payload":\#(payloadJSON)}"#)
                return
            }
            // As IoT Hub's service API: 504 with its error code once responseTimeoutInSeconds has passed.
            Console.standardOutput.line(Self.gatewayTimeout)
            throw TedgeError("The device did not answer within \(timeout) seconds (504 GatewayTimeout)")
        } catch {
            Console.standardError.write(CommandFailure("invoke method '\(method)' on device \(device)", cause: error).description)
            throw ExitCode.failure
        }
    }
}

extension InvokeCommand {
    /// IoT Hub's answer when the device did not answer in time (error 504101).
    static let gatewayTimeout =
        #"{"status":504,"payload":{"errorCode":504101,"message":"Timed out waiting for the response from device."}}"#
}

/// `…/$iothub/methods/res/<status>/?$rid=<id>`: the device's answer to one request.
struct MethodReply {
    let status: Int

    init?(topic: String, requestID: String) {
        guard let range = topic.range(of: "/methods/res/") else { return nil }
        let rest = topic[range.upperBound...].split(separator: "/", maxSplits: 1)
        guard rest.count == 2, let status = Int(rest[0]),
            rest[1] == "?$rid=\(requestID)" || rest[1].contains("$rid=\(requestID)&")
        else { return nil }
        self.status = status
    }
}
