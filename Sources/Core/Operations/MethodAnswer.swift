import TedgeProviderAPI

/// The answer to a method call: an HTTP-like status and a JSON payload. A handler's answer comes from how it ended
/// (exit 0 → 200 with its stdout, other exits → 500 with stderr's last lines, killed at its time limit → 504);
/// Core's own refusals carry `{"message": …}`.
public struct MethodAnswer: Sendable, Equatable {
    public var status: Int
    public var payload: String

    public init(status: Int, payload: String) {
        self.status = status
        self.payload = payload
    }

    /// Lines of stderr a failed handler's answer carries.
    public static let standardErrorLines = 5

    /// `{"message": text}` with `status`.
    public static func refusal(_ status: Int, _ text: String) -> MethodAnswer {
        MethodAnswer(status: status, payload: JSONText.serialize(.object([("message", .string(text))])))
    }

    /// The answer for a handler's outcome; `handler` names it in messages (`operations/az/reboot`).
    public static func from(_ outcome: HandlerOutcome, handler: String, timeLimitSeconds: Int64) -> MethodAnswer {
        switch outcome.ending {
        case .exited(0) where outcome.standardOutputOverflowed:
            return refusal(500, "\(handler) wrote more than the largest answer allowed")
        case .exited(0):
            return MethodAnswer(status: 200, payload: jsonPayload(outcome.standardOutput))
        case .exited(let code):
            return failure("\(handler) exited with status \(code)", outcome)
        case .signalled(let signal):
            return failure("\(handler) was killed by signal \(signal)", outcome)
        case .timedOut:
            return refusal(504, "\(handler) did not finish within \(timeLimitSeconds) s and was killed")
        case .failedToStart(let reason):
            return refusal(500, "cannot run \(handler): \(reason)")
        }
    }

    /// stdout as the answer: JSON as it is (trailing whitespace trimmed), anything else as a JSON string, nothing
    /// as `null`.
    static func jsonPayload(_ output: [UInt8]) -> String {
        var trimmed = output[...]
        while let last = trimmed.last, last == 0x0A || last == 0x0D || last == 0x20 || last == 0x09 {
            trimmed = trimmed.dropLast()
        }
        guard !trimmed.isEmpty else { return "null" }
        if case .success(let value) = JSONText.parse(Array(trimmed)) { return JSONText.serialize(value) }
        return JSONText.serialize(.string(String(decoding: trimmed, as: UTF8.self)))
    }

    private static func failure(_ text: String, _ outcome: HandlerOutcome) -> MethodAnswer {
        var members: [(key: String, value: JSONValue)] = [("message", .string(text))]
        let lines = outcome.standardErrorLines(last: standardErrorLines)
        if !lines.isEmpty { members.append(("stderr", .string(lines))) }
        return MethodAnswer(status: 500, payload: JSONText.serialize(.object(members)))
    }
}
