import TedgeProviderAPI

/// The units of one measurement type, from its retained `<root>/<id>/m/<type>/meta` message:
/// `{"temperature": {"unit": "°C"}, "Climate.Humidity": {"unit": "%RH"}}`. Only `unit` is used; a group member is
/// named `<group>.<member>`.
struct MeasurementUnits: Equatable, Sendable {
    private var single: [String: String] = [:]
    private var groups: [String: [String: String]] = [:]

    /// Units of a metadata document; anything that is not an object with string `unit`s gives none.
    init(metadata: JSONValue) {
        guard case .object(let members) = metadata else { return }
        for (name, meta) in members {
            guard case .object(let fields) = meta, case .string(let unit)? = fields.last(where: { $0.key == "unit" })?.value
            else { continue }
            if let dot = name.firstIndex(of: ".") {
                groups[String(name[..<dot]), default: [:]][String(name[name.index(after: dot)...])] = unit
            } else {
                single[name] = unit
            }
        }
    }

    var isEmpty: Bool { single.isEmpty && groups.isEmpty }

    func unit(of measurement: String) -> String? { single[measurement] }

    func unit(of member: String, inGroup group: String) -> String? { groups[group]?[member] }
}
