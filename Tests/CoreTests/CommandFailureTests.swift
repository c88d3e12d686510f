import TedgeProviderAPI
import TedgeSystem
import Testing

@Suite struct CommandFailureTests {
    @Test func singleCause() {
        let failure = CommandFailure("show the device certificate", causes: ["line one\nline two"])
        #expect(failure.description == "Error: failed to show the device certificate\n\nCaused by:\n    line one\n    line two\n")
    }

    @Test func numberedCauses() {
        let failure = CommandFailure(
            "set x", cause: CausedError("Conversion from String failed", underlying: TedgeError("Invalid port number: 'a'.")))
        #expect(
            failure.description
                == "Error: failed to set x\n\nCaused by:\n    0: Conversion from String failed\n    1: Invalid port number: 'a'.\n"
        )
    }

    @Test func noCause() {
        #expect(CommandFailure("do it", causes: []).description == "Error: failed to do it\n")
    }
}
