import Testing

@testable import TedgeOperations

@Suite struct MethodAnswerTests {
    private func answer(_ ending: HandlerOutcome.Ending, stdout: String = "", stderr: String = "", overflow: Bool = false)
        -> MethodAnswer
    {
        MethodAnswer.from(
            HandlerOutcome(
                ending, standardOutput: Array(stdout.utf8), standardOutputOverflowed: overflow,
                standardErrorTail: Array(stderr.utf8)),
            handler: "operations/az/x", timeLimitSeconds: 30)
    }

    @Test func exitZeroAnswers200WithStdoutAsJSON() {
        #expect(answer(.exited(0), stdout: "{\"ok\": true}\n") == MethodAnswer(status: 200, payload: #"{"ok":true}"#))
        #expect(answer(.exited(0), stdout: "42") == MethodAnswer(status: 200, payload: "42"))
        #expect(answer(.exited(0), stdout: "rebooting in 5 s\n") == MethodAnswer(status: 200, payload: #""rebooting in 5 s""#))
        #expect(
            answer(.exited(0), stdout: "say \"hi\"\n\tand go\n") == MethodAnswer(status: 200, payload: #""say \"hi\"\n\tand go""#)
        )
        #expect(answer(.exited(0)) == MethodAnswer(status: 200, payload: "null"))
        #expect(answer(.exited(0), stdout: "{\"a\":1,\"a\":2}") == MethodAnswer(status: 200, payload: #""{\"a\":1,\"a\":2}""#))
    }

    @Test func otherExitsAnswer500WithStderrsLastLines() {
        let stderr = (1...8).map { "line \($0)" }.joined(separator: "\n") + "\n"
        #expect(
            answer(.exited(3), stdout: "ignored", stderr: stderr)
                == MethodAnswer(
                    status: 500,
                    payload:
                        #"{"message":"operations/az/x exited with status 3","stderr":"line 4\nline 5\nline 6\nline 7\nline 8"}"#))
        #expect(answer(.exited(1)) == MethodAnswer(status: 500, payload: #"{"message":"operations/az/x exited with status 1"}"#))
        #expect(answer(.signalled(9)).payload == #"{"message":"operations/az/x was killed by signal 9"}"#)
    }

    @Test func timeoutsAnswer504AndFailuresToStart500() {
        #expect(
            answer(.timedOut)
                == MethodAnswer(status: 504, payload: #"{"message":"operations/az/x did not finish within 30 s and was killed"}"#)
        )
        #expect(
            answer(.failedToStart("Permission denied"))
                == MethodAnswer(status: 500, payload: #"{"message":"cannot run operations/az/x: Permission denied"}"#))
        #expect(answer(.exited(0), stdout: "{}", overflow: true).status == 500)
    }
}
