import TedgeMessaging

/// What `OperationsStateMachine` asks its driver to do, in order.
public enum OperationsAction: Sendable, Equatable {
    /// Publish on the local broker.
    case publish(MQTTMessage)
    /// Start a handler; report how it ended with `handlerFinished`.
    case start(HandlerRun)
    case log(String)
}
