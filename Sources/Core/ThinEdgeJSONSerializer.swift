/// Writes a measurement back as compact Thin Edge JSON: keys in input order, numbers as serde
/// prints f64s, the timestamp with its original offset; `addTime` appends one when there is none.
public enum ThinEdgeJSONSerializer {
    public static func serialize(_ measurement: ThinEdgeMeasurement, addTime: Timestamp? = nil) -> String {
        var writer = JSONWriter()
        writer.raw("{")
        var first = true
        func separator() {
            if !first { writer.raw(",") }
            first = false
        }
        func time(_ stamp: Timestamp) {
            separator()
            writer.raw("\"time\":")
            writer.string(stamp.description)
        }
        for (index, entry) in measurement.entries.enumerated() {
            if index == measurement.timePosition, let stamp = measurement.time { time(stamp) }
            separator()
            switch entry {
            case .single(let name, let value):
                writer.string(name)
                writer.raw(":")
                writer.number(value)
            case .group(let name, let values):
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
        if measurement.timePosition >= measurement.entries.count, let stamp = measurement.time { time(stamp) }
        if measurement.time == nil, let addTime { time(addTime) }
        writer.raw("}")
        return writer.text
    }
}
