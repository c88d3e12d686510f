import Core

extension MQTTError {
    /// The error as the CLI reports it: the cause, then thin-edge's hint when there is one.
    var withHint: Message { Message(description + (hint.map { "\n\nHint: \($0)" } ?? "")) }
}
