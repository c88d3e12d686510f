import Foundation
import Testing

/// Loads a conformance file (a JSON array of cases) from the test bundle.
enum Fixture {
    static func cases(_ name: String) throws -> [[String: Any]] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        let data = try Data(contentsOf: url)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }
}
