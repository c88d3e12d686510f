/// Writes a measurement back as compact Thin Edge JSON: keys in input order, numbers as serde
/// prints f64s, the timestamp with its original offset; `addTime` appends one when there is none.
public enum ThinEdgeJSONSerializer {
    public static func serialize(_ measurement: ThinEdgeMeasurement, addTime: Timestamp? = nil) -> String {
        var writer = JSONWriter()
        writer.raw("{")
        var first = true
        measurement.forEachField(appendingTime: addTime) { field in
            if !first { writer.raw(",") }
            first = false
            switch field {
            case .time(let stamp):
                writer.raw("\"time\":")
                writer.string(stamp.description)
            case .entry(.single(let name, let value)):
                writer.string(name)
                writer.raw(":")
                writer.number(value)
            case .entry(.group(let name, let values)):
                writer.string(name)
                writer.raw(":{")
                for (position, pair) in values.enumerated() {
                    if position > 0 { writer.raw(",") }
                    writer.string(pair.name)
                    writer.raw(":")
                    writer.number(pair.value)
                }
                writer.raw("}")
            }
        }
        writer.raw("}")
        return writer.text
    }
}
