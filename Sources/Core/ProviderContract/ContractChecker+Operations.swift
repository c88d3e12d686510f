import TedgeProviderAPI

extension ContractChecker {
    // MARK: what the cloud asks of the device

    /// Operations stay on the provider's local prefix, keep handlers in `operations/<id>/` and read any input.
    func checkOperations() {
        guard let operations = provider.mapper(context.config)?.operations else { return }
        let subject = ContractSubject.mapper
        check(
            operations.handlerDirectory == "operations/\(provider.id)", "handlers live in operations/<id>/",
            "handlerDirectory is \(operations.handlerDirectory)", about: subject)
        check(
            !operations.subscriptions.isEmpty, "the operations subscribe to the cloud's requests", "no subscriptions",
            about: subject)
        for filter in operations.subscriptions {
            check(
                filter.hasPrefix(provider.localPrefix) && MQTTTopicFilter(filter) != nil,
                "the operations subscribe to valid filters under the local prefix", filter, about: subject)
        }
        check(
            operations.desiredTopicPrefix.hasPrefix(provider.localPrefix),
            "desired properties are kept under the local prefix", operations.desiredTopicPrefix, about: subject)
        let call = CloudMethodCall(name: "reboot", requestID: "1", payload: [])
        let answers = [
            operations.methodResponse(to: call, status: 200, payload: Array("{}".utf8)),
            operations.twinRequest(requestID: "1"), operations.reportedPatch(.object([("a", .integer(1))]), requestID: "1"),
        ]
        for answer in answers.compactMap({ $0 }) {
            check(
                answer.topic.hasPrefix(provider.localPrefix) && MQTTTopicFilter.isValidTopicName(answer.topic),
                "the operations answer on topic names under the local prefix", answer.topic, about: subject)
        }
        for filter in operations.subscriptions {
            // Whatever arrives on its topics is read without a crash.
            let base = String(filter.prefix { $0 != "#" && $0 != "+" })
            for message in ProviderContract.hostileMessages(prefix: base.hasSuffix("/") ? String(base.dropLast()) : base) {
                _ = operations.interpret(message)
            }
        }
    }
}
