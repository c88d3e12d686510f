import TedgeTOML
import Testing

/// Full TOML files (flows, params.toml): inline tables, arrays of tables, floats, multi-line strings.
@Suite struct TOMLTableTests {
    @Test func readsAFlowWithInlineTablesAndTrailingCommas() throws {
        let table = try TOMLTable(
            parsing: """
                version = "1.0"
                input.mqtt.topics = ["te/+/+/+/+/m/+", "te/+/+/+/+/e/+"]
                steps = [
                    { builtin = "add-timestamp", config = { property = "time", format = "unix", reformat = true } },
                    { builtin = "limit-payload-size", config = { max_size = 262144 } },
                ]
                output.mqtt.topic = "az/messages/events/"
                """)
        #expect(table.value(at: ["input", "mqtt", "topics"])?.stringArray == ["te/+/+/+/+/m/+", "te/+/+/+/+/e/+"])
        #expect(table.value(at: ["output", "mqtt", "topic"]) == .string("az/messages/events/"))
        guard case .array(let steps)? = table["steps"], case .table(let first) = steps[0] else {
            Issue.record("steps are not an array of tables")
            return
        }
        #expect(steps.count == 2)
        #expect(first.value(at: ["config", "reformat"]) == .boolean(true))
        #expect(table.lines["steps"] == 3)
        #expect(table.lines["output"] == 7)
    }

    @Test func arraysOfTablesAndHeadersThatDescendIntoTheirLastElement() throws {
        let table = try TOMLTable(
            parsing: """
                [[steps]]
                script = "main.lua"
                [steps.config]
                threshold = 2.5
                [[steps]]
                builtin = "set-topic"
                config.topic = "out"
                [[input.mqtt]]
                topics = ["a/#"]
                """)
        guard case .array(let steps)? = table["steps"], case .table(let first) = steps[0], case .table(let second) = steps[1]
        else {
            Issue.record("steps are not an array of tables")
            return
        }
        #expect(first.value(at: ["config", "threshold"]) == .float(2.5))
        #expect(second.value(at: ["config", "topic"]) == .string("out"))
        guard case .array(let inputs)? = table.value(at: ["input", "mqtt"]) else {
            Issue.record("input.mqtt is not an array")
            return
        }
        #expect(inputs.count == 1)
    }

    @Test(arguments: [
        ("a = 1.5", TOMLValue.float(1.5)), ("a = -2e3", .float(-2000)), ("a = 6.626e-34", .float(6.626e-34)),
        ("a = +inf", .float(.infinity)), ("a = 0xff", .integer(255)), ("a = 0o17", .integer(15)), ("a = 0b101", .integer(5)),
        ("a = 1_000", .integer(1000)), ("a = -7", .integer(-7)), ("a = '''\nline\n'''", .string("line\n")),
        ("a = \"\"\"\none \\\n   two\"\"\"", .string("one two")), ("a = \"\"\"x\"\"\"\"\"", .string("x\"\"")),
        ("a = {}", .table(TOMLTable())),
    ])
    func values(source: String, expected: TOMLValue) throws {
        #expect(try TOMLTable(parsing: source)["a"] == expected)
    }

    @Test func nanIsAFloat() throws {
        guard case .float(let number)? = try TOMLTable(parsing: "a = nan")["a"] else {
            Issue.record("nan is not a float")
            return
        }
        #expect(number.isNaN)
    }

    @Test(arguments: [
        ("[a]\nx = 1\n[a]\n", 3, 1, "duplicate table [a]"),
        ("a = { x = 1 }\n[a]\n", 2, 1, "duplicate key `a`"),
        ("a = { x = 1 }\na.y = 2\n", 2, 1, "cannot add to the inline table `a`"),
        ("a = [1]\n[[a]]\n", 2, 1, "`a` is not an array of tables"),
        ("a.b = 1\n[a]\n", 2, 1, "duplicate table [a]"),
        ("a = 1\na = 2\n", 2, 1, "duplicate key `a`"),
        ("a = 1979-05-27\n", 1, 5, "dates and times are not supported"),
        ("a = 1.\n", 1, 5, "invalid number `1.`"),
        ("a = 01\n", 1, 5, "invalid number `01`"),
        ("a = 1__0\n", 1, 5, "invalid number `1__0`"),
        ("a = { x = 1,\n}\n", 1, 13, "expected a key, found `\\xa`"),
        ("a = { x = 1 y = 2 }\n", 1, 13, "expected `,` or `}` in the inline table"),
    ])
    func errorsSayWhereAndWhy(source: String, line: Int, column: Int, reason: String) {
        #expect(throws: TOMLSyntaxError(line: line, column: column, reason: reason)) { try TOMLTable(parsing: source) }
    }

    @Test func tedgeTomlsStrictReaderStillRefusesWhatItDoesNotSupport() {
        #expect(throws: TOMLSyntaxError.self) { try TOMLDocument(parsing: "a = 1.5\n") }
        #expect(throws: TOMLSyntaxError.self) { try TOMLDocument(parsing: "a = {x = 1}\n") }
        #expect(throws: TOMLSyntaxError.self) { try TOMLDocument(parsing: "[[a]]\n") }
        #expect(throws: TOMLSyntaxError.self) { try TOMLDocument(parsing: "a = '''x'''\n") }
    }

    @Test func inlineTablesNestedBeyondTheLimitAreRefused() {
        let deep = "a = " + String(repeating: "{ b = ", count: 100) + "1" + String(repeating: " }", count: 100)
        #expect(throws: TOMLSyntaxError.self) { try TOMLTable(parsing: deep) }
    }
}
