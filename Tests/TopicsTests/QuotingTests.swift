import TedgeThinEdgeJSON
import TedgeTopics
import Testing

/// The two quotings thin-edge's texts use, which share their escapes of `"`, `\`, newline, return and tab.
@Suite struct QuotingTests {
    static let input = "a\"b\\c\n\r\t\0\u{1}\u{8}\u{C}\u{7F}é"

    @Test func rustsDebugFormat() {
        #expect(SerdeText.quoted(Self.input) == #""a\"b\\c\n\r\t\0\u{1}\u{8}\u{c}\u{7f}é""#)
    }

    @Test func serdeJSON() {
        #expect(JSONWriter.quoted(Self.input) == "\"a\\\"b\\\\c\\n\\r\\t\\u0000\\u0001\\b\\f\u{7F}é\"")
    }
}
