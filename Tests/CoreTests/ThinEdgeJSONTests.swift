import TedgeProviderAPI
import Testing

@Suite struct ThinEdgeJSONTests {
    /// serde's own syntax wording; ours (jansson's) may differ, the domain messages may not.
    static let serdeSyntaxReasons = ["expected value", "expected `,` or `}`", "number out of range", "EOF while parsing a value"]

    static func reason(of expected: String) -> String {
        let body = expected.dropFirst("Invalid JSON: ".count)
        return String(body[..<body.range(of: " at line ", options: .backwards)!.lowerBound])
    }

    @Test func conformanceFixtures() throws {
        var processed = 0
        for entry in try Fixture.cases("thin_edge_json_parser") {
            let name = try #require(entry["name"] as? String)
            // The one structured input is the excerpt utility's, tested in `excerptUtility`.
            guard let input = entry["input"] as? String else { continue }
            processed += 1
            let result = ThinEdgeJSON.parse(Array(input.utf8))
            switch entry["kind"] as? String {
            case "output":
                let measurement = try result.get()
                #expect(ThinEdgeJSONSerializer.serialize(measurement) == entry["expected"] as? String, "\(name)")
            case "error":
                let expected = try #require(entry["expected"] as? String)
                guard case .failure(let error) = result else {
                    Issue.record("\(name): accepted")
                    continue
                }
                #expect(error.description.hasPrefix("Invalid JSON: "), "\(name)")
                let expectedReason = Self.reason(of: expected)
                if !Self.serdeSyntaxReasons.contains(expectedReason) {
                    #expect(error.reason == expectedReason, "\(name)")
                }
                #expect(error.line >= 1, "\(name)")
            case "parsed":
                let measurement = try result.get()
                #expect(measurement.time?.description == "2021-04-30T17:03:14.123+02:00")
                #expect(
                    measurement.entries == [
                        .single(name: "pressure", value: 123.4), .single(name: "temperature", value: 24),
                        .group(name: "coordinate", values: [("x", 1), ("y", 2), ("z", -42)]),
                        .single(name: "escaped\\", value: 123),
                    ])
            default:
                Issue.record("\(name): unknown kind")
            }
        }
        #expect(processed == 18)
    }

    @Test func excerptUtility() {
        #expect(ThinEdgeJSONError.excerpt(of: "line 1\nline 2\nline 3\n", line: 2, column: 3, maxCharacters: 1) == "n")
        #expect(ThinEdgeJSONError.excerpt(of: "[50,23]\n", line: 1, column: 0) == "[50,23]\n")
    }

    @Test func domainErrorsPointAtTheValue() throws {
        let input = "{\n  \"time\" : \"2013-06-22 3am\",\n  \"pressure\": 220\n}\n"
        guard case .failure(let error) = ThinEdgeJSON.parse(Array(input.utf8)) else { Issue.record("accepted"); return }
        #expect(error.line == 2)
        #expect(error.excerpt.hasPrefix("\"2013-06-22 3am\""))
        #expect(
            error.reason
                == "Invalid ISO8601 timestamp (expected YYYY-MM-DDThh:mm:ss.sss.±hh:mm): \"2013-06-22 3am\": input contains invalid characters"
        )
    }

    @Test(arguments: [
        (#"{"t": 4294967295}"#, true), (#"{"t": 4294967296}"#, false),
        (#"{"t": -2147483648}"#, true), (#"{"t": -2147483649}"#, false),
        (#"{"t": 1e308}"#, true), (#"{"t": 1e-320}"#, false), (#"{"t": 10e-9999999999}"#, true),
        (#"{"t": 10e99999}"#, false), (#"{"t": "20"}"#, false), (#"{"t": null}"#, false),
        (#"{"t": 1, "t": 2}"#, false), (#"{"time": "2021-01-01T00:00:00Z"}"#, false),
        (#"{"g": {"a": 1, "b": {"c": 2}}}"#, false), (#"{"type": 1}"#, false), ("", false), ("{", false),
    ])
    func rules(input: String, accepted: Bool) {
        let result = ThinEdgeJSON.parse(Array(input.utf8))
        if case .success = result { #expect(accepted, "\(input)") } else { #expect(!accepted, "\(input)") }
    }

    @Test func numbersPrintLikeSerde() {
        let cases: [(Double, String)] = [
            (42, "42.0"), (2100.4, "2100.4"), (-117.67, "-117.67"), (0, "0.0"), (25, "25.0"),
            (1e16, "1e16"), (1.5e-7, "1.5e-7"), (0.0001, "0.0001"), (0.00001, "0.00001"),
            (123456789012345680, "1.2345678901234568e17"), (1e15, "1000000000000000.0"),
            (0.1, "0.1"), (-0.5, "-0.5"), (4294967295, "4294967295.0"),
        ]
        for (value, text) in cases { #expect(JSONNumberFormatter.format(value) == text, "\(value)") }
    }

    @Test func timestamps() throws {
        #expect(try Timestamp(rfc3339: "2013-06-22T17:03:14.000+02:00").description == "2013-06-22T17:03:14+02:00")
        #expect(try Timestamp(rfc3339: "2021-04-30T17:03:14.123456+02:00").description == "2021-04-30T17:03:14.123456+02:00")
        #expect(try Timestamp(rfc3339: "2021-04-30T17:03:14.5Z").description == "2021-04-30T17:03:14.500+00:00")
        #expect(try Timestamp(rfc3339: "2021-04-30t17:03:14-05:30").description == "2021-04-30T17:03:14-05:30")
        #expect(throws: Timestamp.ParseError.prematureEnd) { try Timestamp(rfc3339: "2013-06-22") }
        #expect(throws: Timestamp.ParseError.invalidCharacters) { try Timestamp(rfc3339: "2013-06-2217:03:14.000658767+02:00") }
        #expect(throws: Timestamp.ParseError.outOfRange) { try Timestamp(rfc3339: "2021-02-29T00:00:00Z") }
        #expect(throws: Timestamp.ParseError.trailingInput) { try Timestamp(rfc3339: "2021-02-28T00:00:00Zx") }
    }

    @Test func keysKeepTheirOrderAndEscapes() throws {
        let measurement = try ThinEdgeJSON.parse(Array(#"{"z": 1, "a\"b": 2, "m": {"y": 1, "b": 2}}"#.utf8)).get()
        #expect(ThinEdgeJSONSerializer.serialize(measurement) == #"{"z":1.0,"a\"b":2.0,"m":{"y":1.0,"b":2.0}}"#)
    }
}
