import Foundation
import TedgeTOML
import Testing

@Suite struct TOMLDocumentTests {
    @Test func readsWhatTedgeFilesUse() throws {
        let document = try TOMLDocument(
            parsing: """
                # comment
                top = "level"
                [init]
                name = "systemd" # trailing comment
                restart = ["/bin/systemctl", "restart", "{}",]
                literal = 'C:\\path'
                escaped = "tab\\tquote\\"\\u00e9"
                [mqtt]
                port = 1_883
                flag = true
                multi = [
                  "a", # one
                  "b",
                ]
                dotted.key = -5
                """)
        #expect(document.value(table: "", key: "top") == .string("level"))
        #expect(document.value(table: "init", key: "restart")?.stringArray == ["/bin/systemctl", "restart", "{}"])
        #expect(document.value(table: "init", key: "literal") == .string("C:\\path"))
        #expect(document.value(table: "init", key: "escaped") == .string("tab\tquote\"é"))
        #expect(document.value(table: "mqtt", key: "port") == .integer(1883))
        #expect(document.value(table: "mqtt", key: "flag") == .boolean(true))
        #expect(document.value(table: "mqtt", key: "multi")?.stringArray == ["a", "b"])
        #expect(document.value(table: "mqtt.dotted", key: "key") == .integer(-5))
    }

    @Test func roundTrips() throws {
        let source = "[a]\nb = \"x\\\"y\"\nc = [\"1\", \"2\"]\nd = 3\n\n[e]\nf = false\n"
        let document = try TOMLDocument(parsing: source)
        #expect(document.text == source)
        #expect(try TOMLDocument(parsing: document.text) == document)
    }

    @Test(arguments: [
        ("a = 1\na = 2\n", 2, 1, "duplicate key `a`"),
        ("[t]\n[t]\n", 2, 1, "duplicate table [t]"),
        ("a = \"open\n", 1, 10, "unterminated string"),
        ("a = 1.5\n", 1, 5, "only decimal integers are supported"),
        ("a = {x = 1}\n", 1, 5, "inline tables are not supported"),
        ("a = [1, 2\n", 2, 1, "unterminated array"),
        ("a = 1 b\n", 1, 7, "expected the end of the line, found `b`"),
        ("[[arr]]\n", 1, 1, "arrays of tables are not supported"),
        ("= 1\n", 1, 1, "expected a key, found `=`"),
        ("a = \"\\q\"\n", 1, 8, "invalid escape `\\q`"),
        ("a = truex\n", 1, 5, "expected a value, found `t`"),
    ])
    func errorsSayWhereAndWhy(source: String, line: Int, column: Int, reason: String) {
        #expect(throws: TOMLSyntaxError(line: line, column: column, reason: reason)) { try TOMLDocument(parsing: source) }
    }

    @Test func invalidUTF8() {
        // String(decoding:) repairs bad bytes to U+FFFD, which is then an unexpected value character.
        #expect(throws: TOMLSyntaxError.self) {
            try TOMLDocument(parsing: String(decoding: [0x61, 0x20, 0x3D, 0x20, 0xFF], as: UTF8.self))
        }
    }
}

/// Inputs libFuzzer found (scripts/fuzz), kept as regression tests.
@Suite struct TOMLFuzzFindings {
    /// A root key after a dotted key was written after the `[a]` header, so it moved into table `a`;
    /// and literal strings took control characters (NUL, DEL) that TOML forbids.
    @Test func rootKeysStayInTheRootTable() throws {
        let document = try TOMLDocument(parsing: "a.b = 'x'\nDouble = ['a', 5]\n")
        let again = try TOMLDocument(parsing: document.text)
        #expect(again.text == document.text)
        #expect(again.value(table: "", key: "Double") != nil)
        #expect(document.text.hasPrefix("Double = "))
    }

    @Test func theFoundInputRoundTripsOrIsRefused() throws {
        let url = try #require(
            Bundle.module.url(forResource: "fuzz-toml-root-after-dotted-key", withExtension: "toml", subdirectory: "Fixtures"))
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        if let document = try? TOMLDocument(parsing: text) {
            #expect(try TOMLDocument(parsing: document.text).text == document.text)
        }
        #expect(throws: TOMLSyntaxError.self) { try TOMLDocument(parsing: "a = 'nul\u{0}here'\n") }
    }

    /// Thousands of nested `[` overflowed the stack of the recursive reader.
    @Test func deeplyNestedArraysAreRefused() throws {
        let url = try #require(
            Bundle.module.url(forResource: "fuzz-toml-deep-arrays", withExtension: "toml", subdirectory: "Fixtures"))
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        let error = #expect(throws: TOMLSyntaxError.self) { try TOMLDocument(parsing: text) }
        #expect(error?.reason == "arrays nested deeper than 32 levels")
        #expect(throws: TOMLSyntaxError.self) { try TOMLDocument(parsing: "a = " + String(repeating: "[", count: 100_000)) }
        #expect(
            try TOMLDocument(parsing: "a = [[[1]]]\n").value(table: "", key: "a") == .array([.array([.array([.integer(1)])])]))
    }

    /// `[", "]`: a quoted table name was written back unquoted (`[, ]`), which does not parse.
    @Test func quotedTableNamesAreRefused() throws {
        let url = try #require(
            Bundle.module.url(forResource: "fuzz-toml-quoted-table-name", withExtension: "toml", subdirectory: "Fixtures"))
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        #expect(throws: TOMLSyntaxError(line: 1, column: 2, reason: "table names must be bare keys (letters, digits, _ and -)")) {
            try TOMLDocument(parsing: text)
        }
        #expect(throws: TOMLSyntaxError.self) { try TOMLDocument(parsing: "\"a.b\".c = 1\n") }
        #expect(try TOMLDocument(parsing: "[t]\n\"quoted key\" = 1\n").text == "[t]\n\"quoted key\" = 1\n")
    }
}
