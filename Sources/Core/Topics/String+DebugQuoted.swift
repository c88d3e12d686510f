import TedgeThinEdgeJSON

extension String {
    /// The string as Rust's `{:?}` shows it in thin-edge's error texts: quoted, with `\`, `"` and control
    /// characters escaped (JSON's quoting but for the other control characters and DEL).
    var debugQuoted: String {
        JSONWriter.quoted(self) { scalar in
            switch scalar {
            case "\0": return "\\0"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: return "\\u{" + String(scalar.value, radix: 16) + "}"
            default: return nil
            }
        }
    }
}
