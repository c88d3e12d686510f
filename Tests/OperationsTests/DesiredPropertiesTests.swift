import TedgeProviderAPI
import Testing

@testable import TedgeOperations

@Suite struct DesiredPropertiesTests {
    private func json(_ text: String) -> JSONValue { try! JSONText.parse(Array(text.utf8)).get() }

    @Test func theDocumentChangesOnlyWhatDiffers() {
        var desired = DesiredProperties()
        desired.remember(key: "fan", payload: Array(#""on""#.utf8))
        desired.remember(key: "old", payload: Array("1".utf8))
        desired.remember(key: "cleared", payload: [])
        let update = desired.apply(
            document: json(#"{"fan":"on","interval":{"b":2,"a":1},"$version":4,"bad key":1,"x/y":2}"#), version: 4)
        #expect(
            update.changes == [
                .init(key: "interval", value: json(#"{"b":2,"a":1}"#)), .init(key: "old", value: nil),
            ])
        #expect(update.refusedKeys == ["bad key", "x/y"])
        #expect(desired.version == 4)
        // The same content with keys in another order is no change.
        #expect(desired.apply(document: json(#"{"fan":"on","interval":{"a":1,"b":2}}"#), version: 5).changes.isEmpty)
    }

    @Test func patchesMergeAndRemove() {
        var desired = DesiredProperties()
        _ = desired.apply(document: json(#"{"cfg":{"a":1,"b":{"c":2}},"fan":"on"}"#), version: 2)
        let update = desired.apply(patch: json(#"{"cfg":{"b":{"c":null,"d":3},"e":4},"fan":null,"$version":3}"#), version: 3)
        #expect(update.changes == [.init(key: "cfg", value: json(#"{"a":1,"b":{"d":3},"e":4}"#)), .init(key: "fan", value: nil)])
        #expect(!update.stale && !update.missedVersions)
    }

    @Test func staleAndMissedVersions() {
        var desired = DesiredProperties()
        _ = desired.apply(document: json(#"{"fan":"on"}"#), version: 5)
        #expect(desired.apply(patch: json(#"{"fan":"off"}"#), version: 5).stale)
        #expect(desired.apply(patch: json(#"{"fan":"off"}"#), version: 4).stale)
        let jump = desired.apply(patch: json(#"{"fan":"off"}"#), version: 8)
        #expect(jump.missedVersions && jump.changes == [.init(key: "fan", value: json(#""off""#))])
        #expect(desired.version == 8)
        // Before any document, patches apply on what was read back.
        var fresh = DesiredProperties()
        fresh.remember(key: "fan", payload: Array(#""on""#.utf8))
        #expect(fresh.apply(patch: json(#"{"fan":"on"}"#), version: 9).changes.isEmpty)
    }
}
