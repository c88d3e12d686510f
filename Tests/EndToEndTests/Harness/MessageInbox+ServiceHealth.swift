import TedgeProviderAPI
import TedgeRuntime

extension MessageInbox {
    /// The next message that is not a service's health (`{"pid":…,"status":…}`, or the built-in bridge's
    /// `{"status":…}`): the Azure and AWS mappers forward every service's te/ health to the cloud, their own
    /// and their bridge's included, whenever they (re)start.
    func nextIgnoringServiceHealth(timeout: Duration) async -> MQTTMessage? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let message = await next(timeout: deadline - ContinuousClock.now) else { return nil }
            guard case .success(.object(let members)) = JSONText.parse(message.payload),
                members.contains(where: { $0.key == "status" }),
                members.allSatisfy({ ["pid", "status", "time"].contains($0.key) })
            else { return message }
        }
        return nil
    }
}
