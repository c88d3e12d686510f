import TedgeMosquitto
import TedgeProviderAPI

extension MQTTError {
    /// The error as the CLI reports it: the cause, then thin-edge's hint when there is one.
    var withHint: TedgeError { TedgeError(description + (hint.map { "\n\nHint: \($0)" } ?? "")) }
}
