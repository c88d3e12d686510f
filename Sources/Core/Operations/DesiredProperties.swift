import TedgeProviderAPI

/// The desired properties as the device last published them, one per top-level key, and the twin's version: what
/// changes when the whole document or a patch arrives. Values are compared by content (keys sorted), so a
/// document that repeats what the device already has changes nothing.
struct DesiredProperties {
    struct Change: Equatable {
        var key: String
        /// nil: removed.
        var value: JSONValue?
    }

    struct Update: Equatable {
        var changes: [Change] = []
        /// Keys that cannot become a topic level or a handler name (`OperationName`), left out.
        var refusedKeys: [String] = []
        /// The patch's version is not newer than what was applied: nothing done.
        var stale = false
        /// The patch skipped versions: some patch was missed, the whole document should be read.
        var missedVersions = false
    }

    private(set) var version: Int64?
    private(set) var values: [String: JSONValue] = [:]

    /// A value read back from its retained topic at start (empty: none).
    mutating func remember(key: String, payload: [UInt8]) {
        guard OperationName.isValid(key) else { return }
        if payload.isEmpty {
            values[key] = nil
        } else if case .success(let value) = JSONText.parse(payload) {
            values[key] = value
        }
    }

    /// The whole desired document: keys it lacks are removed.
    mutating func apply(document: JSONValue, version: Int64?) -> Update {
        var update = Update()
        let members = Self.properties(of: document, refused: &update.refusedKeys)
        var next: [String: JSONValue] = [:]
        for (key, value) in members { next[key] = value }
        for key in Set(values.keys).union(next.keys).sorted() where !Self.same(values[key], next[key]) {
            update.changes.append(Change(key: key, value: next[key]))
        }
        values = next
        self.version = version ?? self.version
        return update
    }

    /// A patch: each top-level key merged into its value (RFC 7396, as IoT Hub merges), `null` removes it.
    mutating func apply(patch: JSONValue, version: Int64?) -> Update {
        var update = Update()
        if let version, let current = self.version {
            guard version > current else {
                update.stale = true
                return update
            }
            update.missedVersions = version > current + 1
        }
        for (key, change) in Self.properties(of: patch, refused: &update.refusedKeys).sorted(by: { $0.key < $1.key }) {
            let merged: JSONValue? = change == .null ? nil : Self.merge(values[key] ?? .null, change)
            guard !Self.same(values[key], merged) else { continue }
            values[key] = merged
            update.changes.append(Change(key: key, value: merged))
        }
        self.version = version ?? self.version
        return update
    }

    /// Top-level members but `$…` metadata (`$version`), the refused keys noted.
    private static func properties(of document: JSONValue, refused: inout [String]) -> [(key: String, value: JSONValue)] {
        guard case .object(let members) = document else { return [] }
        return members.filter { member in
            guard !member.key.hasPrefix("$") else { return false }
            guard OperationName.isValid(member.key) else {
                refused.append(member.key)
                return false
            }
            return true
        }
    }

    static func same(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let a?, let b?): return JSONText.serializeSortingKeys(a) == JSONText.serializeSortingKeys(b)
        default: return false
        }
    }

    static func merge(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let changes) = patch else { return patch }
        guard case .object(var members) = target else { return merge(.object([]), patch) }
        for (key, change) in changes {
            let index = members.firstIndex { $0.key == key }
            if change == .null {
                if let index { members.remove(at: index) }
            } else if let index {
                members[index].value = merge(members[index].value, change)
            } else {
                members.append((key, merge(.null, change)))
            }
        }
        return .object(members)
    }
}
