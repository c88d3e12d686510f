import TedgeProviderAPI
import TedgeRuntime

extension MessageInbox {
    /// The next message that is not a service's health (`{"pid":…,"status":…}`): the Azure and AWS mappers forward
    /// every service's te/ health to the cloud, their own `up` included, whenever they (re)start.
    func nextIgnoringServiceHealth(timeout: Duration) async -> MQTTMessage? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let message = await next(timeout: deadline - ContinuousClock.now) else { return nil }
            guard case .success(.object(let members)) = JSONText.parse(message.payload),
                members.contains(where: { $0.key == "pid" }), members.contains(where: { $0.key == "status" })
            else { return message }
        }
        return nil
    }
}
