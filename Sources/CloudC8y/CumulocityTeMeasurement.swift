import TedgeProviderAPI

/// A `te/` measurement (`<root>/<id>/m/<type>`) to Cumulocity's JSON on `c8y/measurement/measurements/create`,
/// as thin-edge 2.x writes it: `externalSource` first for any entity but the main device, then the members in
/// input order (`{"<name>":{"<name>":{"value":v[,"unit":u]}}}`, groups one level deep, `time` as RFC 3339,
/// a string `type`, the members of `properties` verbatim; other strings dropped), then `time` and `type` when the
/// payload has none (`type` defaults to the topic's type, or `ThinEdgeMeasurement`).
enum CumulocityTeMeasurement {
    static let topic = "c8y/measurement/measurements/create"
    static let defaultType = "ThinEdgeMeasurement"
    static let reservedNames: Set<String> = ["type", "externalSource"]

    static func convert(
        _ payload: [UInt8], type: String, externalSource: String?, units: MeasurementUnits?, now: CumulocityTime
    ) -> Result<MQTTMessage, ConversionError> {
        guard SerdeText.utf8Error(payload) == nil else { return .failure(ConversionError("Not an UTF8 payload")) }
        switch json(payload, type: type, externalSource: externalSource, units: units, now: now) {
        case .success(let text): return .success(MQTTMessage(topic: topic, text: text, qos: .atLeastOnce))
        case .failure(let error): return .failure(ConversionError("Not a thin-edge measurement: Invalid JSON: \(error)"))
        }
    }

    /// The Cumulocity document, or thin-edge's reason (without its `Invalid JSON:` prefix).
    static func json(
        _ payload: [UInt8], type: String, externalSource: String?, units: MeasurementUnits?, now: CumulocityTime
    ) -> Result<String, ConversionError> {
        let members: [(key: String, value: JSONValue)]
        switch SerdeText.object(payload, expected: "ThinEdge JSON") {
        case .success(let parsed): members = parsed
        case .failure(let error): return .failure(error)
        }
        var writer = JSONWriter()
        var separator = "{"
        func key(_ name: String) {
            writer.raw(separator)
            separator = ","
            writer.string(name)
            writer.raw(":")
        }
        if let externalSource {
            key("externalSource")
            writer.raw("{\"externalId\":")
            writer.string(externalSource)
            writer.raw(",\"type\":\"c8y_Serial\"}")
        }
        var measurements = 0
        var hasTime = false
        var hasType = false
        for (name, value) in members {
            switch (name, value) {
            case ("time", _):
                switch CumulocityTime.parse(value) {
                case .success(let time):
                    key("time")
                    writer.string(time.rfc3339 ?? "")
                    hasTime = true
                case .failure(let error): return .failure(error)
                }
            case ("properties", let properties):
                guard case .object(let fragments) = properties else { continue }
                for (fragment, content) in fragments {
                    key(fragment)
                    writer.raw(JSONText.serialize(content))
                }
            case (_, .string(let text)):
                measurements += 1
                if name == "type" {
                    key("type")
                    writer.string(text)
                    hasType = true
                } else if reservedNames.contains(name) {
                    return .failure(reserved(name))
                }
            case (_, .integer), (_, .real):
                measurements += 1
                guard !reservedNames.contains(name) else { return .failure(reserved(name)) }
                guard let number = number(value) else { return .failure(outOfRange(name)) }
                key(name)
                writer.raw("{")
                writer.string(name)
                writer.raw(":")
                valueObject(number, unit: units?.unit(of: name), into: &writer)
                writer.raw("}")
            case (_, .object(let group)):
                measurements += 1
                guard !group.isEmpty else {
                    return .failure(
                        ConversionError(
                            "Empty Thin Edge measurement: \(SerdeText.quoted(name)) must contain at least one measurement"))
                }
                key(name)
                var memberSeparator = "{"
                for (member, memberValue) in group {
                    switch memberValue {
                    case .integer, .real:
                        guard !reservedNames.contains(member) else { return .failure(reserved(member)) }
                        guard let number = number(memberValue) else { return .failure(outOfRange(member)) }
                        writer.raw(memberSeparator)
                        memberSeparator = ","
                        writer.string(member)
                        writer.raw(":")
                        valueObject(number, unit: units?.unit(of: member, inGroup: name), into: &writer)
                    case .object: return .failure(ConversionError("Expect single-value measurement"))
                    case .string: return .failure(ConversionError("Unexpected type within a group"))
                    default:
                        return .failure(
                            ConversionError(
                                "invalid type: \(SerdeText.unexpected(memberValue)), expected ThinEdge single-value measurement"))
                    }
                }
                writer.raw("}")
            default:
                return .failure(
                    ConversionError(
                        "invalid type: \(SerdeText.unexpected(value)), expected ThinEdge single or multi-value measurement"))
            }
        }
        guard measurements > 0 else {
            return .failure(ConversionError("Empty Thin Edge measurement: it must contain at least one measurement"))
        }
        if !hasTime {
            key("time")
            writer.string(now.rfc3339 ?? "")
        }
        if !hasType {
            key("type")
            writer.string(type.isEmpty ? defaultType : type)
        }
        writer.raw("}")
        return .success(writer.text)
    }

    private static func valueObject(_ number: Double, unit: String?, into writer: inout JSONWriter) {
        writer.raw("{\"value\":")
        writer.number(number)
        if let unit {
            writer.raw(",\"unit\":")
            writer.string(unit)
        }
        writer.raw("}")
    }

    /// A float64 that is normal or zero (thin-edge refuses the others).
    private static func number(_ value: JSONValue) -> Double? {
        let number: Double
        switch value {
        case .integer(let integer): number = Double(integer)
        case .real(let real): number = real
        default: return nil
        }
        return number == 0 || number.isNormal ? number : nil
    }

    private static func reserved(_ name: String) -> ConversionError {
        ConversionError("Unexpected measurement name: \(SerdeText.quoted(name)) is a reserved word.")
    }

    private static func outOfRange(_ name: String) -> ConversionError {
        ConversionError("Number out-of-range: the \(SerdeText.quoted(name)) value is too large to be represented as a float64.")
    }
}
