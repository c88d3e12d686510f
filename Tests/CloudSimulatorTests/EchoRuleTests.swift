import TedgeProviderAPI
import Testing

@testable import TedgeCloudSimulator

struct EchoRuleTests {
    @Test func singleLevelWildcardsCarryTheRequestIDToTheAnswer() throws {
        let rule = try EchoRule(parsing: "v1/devices/me/attributes/request/+=v1/devices/me/attributes/response/+")
        #expect(rule.responseTopic(for: "v1/devices/me/attributes/request/7") == "v1/devices/me/attributes/response/7")
        #expect(rule.responseTopic(for: "v1/devices/me/attributes/request/7/x") == nil)
        #expect(rule.responseTopic(for: "v1/devices/me/telemetry") == nil)
    }

    @Test func capturesGoInOrderAndTheMultiLevelWildcardTakesTheRest() throws {
        let rule = try EchoRule(parsing: "req/+/+/#=res/+/fixed/+/#")
        #expect(rule.responseTopic(for: "req/a/b/c/d") == "res/a/fixed/b/c/d")
        #expect(try EchoRule(parsing: "ping=pong").responseTopic(for: "ping") == "pong")
    }

    @Test func rulesWhoseAnswerNeedsWhatTheFilterDoesNotCaptureAreRefused() {
        for text in ["no-separator", "a/#/b=x", "a/+=b/+/+", "a/+=b/#", "a/#=b/#/c", "a=", "a=b/x+"] {
            #expect(throws: TedgeError.self, "\(text)") { try EchoRule(parsing: text) }
        }
    }
}
