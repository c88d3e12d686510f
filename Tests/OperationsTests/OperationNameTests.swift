import Testing

@testable import TedgeOperations

/// Names from the cloud may only name a file inside the handler directory.
@Suite struct OperationNameTests {
    @Test(arguments: ["reboot", "set-interval", "get_logs", "v1.2", "A", String(repeating: "x", count: 128)])
    func handlerNames(name: String) {
        #expect(OperationName.isValid(name))
    }

    @Test(arguments: [
        "", ".", "..", ".hidden", "../reboot", "a/b", "/bin/sh", "..%2F..", "a b", "reboot;rm -rf /", "$(id)", "`id`", "a|b",
        "a&b", "a>b", "a<b", "a*", "a?", "~root", "a\u{0}b", "a\nb", "é", "a'b", "a\"b", "a\\b", "{a}", "[a]", "a=b", "a,b",
        "a:b", "+", "#", String(repeating: "x", count: 129),
    ])
    func refused(name: String) {
        #expect(OperationName.refusal(name) != nil, "\(name.debugDescription) was accepted")
    }

    @Test func refusalsSayWhy() {
        #expect(OperationName.refusal("") == "the name is empty")
        #expect(OperationName.refusal("..") == "the name starts with '.'")
        #expect(OperationName.refusal("a/b") == "the name may only hold letters, digits, '_', '-' and '.'")
        #expect(OperationName.refusal(String(repeating: "y", count: 200)) == "the name is longer than 128 bytes")
    }

    @Test func shownSafely() {
        #expect(OperationName.shown("a\u{0}b\nc") == "a\\u{0}b\\u{a}c")
        #expect(OperationName.shown(String(repeating: "z", count: 130)) == String(repeating: "z", count: 128) + "…")
    }

    @Test(arguments: [
        ("1", true), ("a-B_9.x", true), ("", false), ("a+b", false), ("a#", false), ("a b", false), ("\u{7f}", false),
    ])
    func requestIDs(id: String, answerable: Bool) {
        #expect(RequestIDCheck.isAnswerable(id) == answerable)
    }
}
