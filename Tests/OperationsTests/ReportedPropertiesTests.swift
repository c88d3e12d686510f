import TedgeProviderAPI
import Testing

@testable import TedgeOperations

@Suite struct ReportedPropertiesTests {
    private func json(_ text: String) -> JSONValue { try! JSONText.parse(Array(text.utf8)).get() }

    @Test func aBurstBecomesOnePatch() {
        var reported = ReportedProperties()
        reported.fragmentChanged("firmware", to: json(#"{"version":"1.2"}"#), now: 0)
        reported.fragmentChanged("hardware", to: json(#""pi""#), now: 50)
        reported.fragmentChanged("firmware", to: json(#"{"version":"1.3"}"#), now: 100)
        #expect(reported.takePatch(now: 199, requestID: "1", answerWithin: 30_000) == nil)
        #expect(reported.nextDeadline() == 200)
        #expect(
            reported.takePatch(now: 200, requestID: "1", answerWithin: 30_000)
                == json(#"{"firmware":{"version":"1.3"},"hardware":"pi"}"#))
        #expect(reported.isAwaiting("1"))
        // The same value again is no change.
        reported.fragmentChanged("hardware", to: json(#""pi""#), now: 300)
        #expect(reported.pending.isEmpty)
        #expect(reported.answered(status: 204, now: 400) == .accepted)
        #expect(reported.nextDeadline() == nil)
    }

    @Test func oneInFlightAndRemovalsAreNull() {
        var reported = ReportedProperties()
        reported.fragmentChanged("a", to: .integer(1), now: 0)
        _ = reported.takePatch(now: 200, requestID: "1", answerWithin: 30_000)
        reported.fragmentChanged("a", to: nil, now: 300)
        #expect(reported.takePatch(now: 1_000, requestID: "2", answerWithin: 30_000) == nil)
        #expect(reported.answered(status: 200, now: 1_000) == .accepted)
        #expect(reported.takePatch(now: 1_000, requestID: "2", answerWithin: 30_000) == json(#"{"a":null}"#))
    }

    @Test func failuresAreRetriedWithBackoffMergedWithNewerValues() {
        var reported = ReportedProperties()
        reported.fragmentChanged("a", to: .integer(1), now: 0)
        reported.fragmentChanged("b", to: .integer(1), now: 0)
        _ = reported.takePatch(now: 200, requestID: "1", answerWithin: 30_000)
        reported.fragmentChanged("b", to: .integer(2), now: 300)
        #expect(reported.answered(status: 503, now: 400) == .retrying(atMilliseconds: 1_400))
        #expect(reported.takePatch(now: 1_399, requestID: "2", answerWithin: 30_000) == nil)
        #expect(reported.takePatch(now: 1_400, requestID: "2", answerWithin: 30_000) == json(#"{"a":1,"b":2}"#))
        // Unanswered: sent again after its deadline, waiting 2 s this time.
        let early = reported.tick(now: 31_399)
        let due = reported.tick(now: 31_400)
        #expect(!early && due)
        #expect(reported.nextDeadline() == 33_400)
        // Refused (400): dropped, not retried.
        _ = reported.takePatch(now: 33_400, requestID: "3", answerWithin: 30_000)
        #expect(reported.answered(status: 400, now: 33_500) == .refused)
        #expect(reported.pending.isEmpty && reported.nextDeadline() == nil)
    }

    @Test func theLinkComingBackSendsEverythingAgain() {
        var reported = ReportedProperties()
        reported.fragmentChanged("a", to: .integer(1), now: 0)
        _ = reported.takePatch(now: 200, requestID: "1", answerWithin: 30_000)
        _ = reported.answered(status: 204, now: 300)
        reported.fragmentChanged("b", to: .integer(2), now: 400)
        _ = reported.takePatch(now: 600, requestID: "2", answerWithin: 30_000)
        reported.resendAll(now: 700)
        #expect(!reported.isAwaiting("2"))
        #expect(reported.takePatch(now: 700, requestID: "3", answerWithin: 30_000) == json(#"{"a":1,"b":2}"#))
    }
}
