import TedgeProviderAPI
import Testing

@Suite struct DeviceIDTests {
    @Test func conformanceVectors() throws {
        let cases = try Fixture.cases("device_id_and_certificate").filter {
            ($0["source"] as? [String: Any])?["path"] as? String == "crates/common/certificate/src/device_id.rs"
        }
        #expect(cases.count >= 15)
        for entry in cases {
            let input = try #require(entry["input"] as? String)
            let expected = try #require(entry["expected"] as? String)
            if entry["kind"] as? String == "output" {
                #expect(throws: Never.self) { try DeviceID.validate(input) }
            } else {
                let error = #expect(throws: TedgeError.self) { try DeviceID.validate(input) }
                #expect(error?.description == expected, "\(input)")
            }
        }
    }

    @Test func emptyAndTooLong() {
        #expect(throws: TedgeError("The empty string cannot be used as a name")) { try DeviceID.validate("") }
        let long = String(repeating: "a", count: 65)
        #expect(throws: TedgeError("The string '\"\(long)\"' is more than 64 characters long and cannot be used as a name")) {
            try DeviceID.validate(long)
        }
        #expect(throws: Never.self) { try DeviceID.validate(String(repeating: "a", count: 64)) }
    }

    @Test func nonASCIIIsRejected() {
        #expect(throws: TedgeError.self) { try DeviceID.validate("café") }
    }
}
