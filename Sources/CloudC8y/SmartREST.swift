/// SmartREST 2.0 static templates used by the mapper (CSV, no quoting except where Cumulocity needs it).
public enum SmartREST {
    public static func supportedOperations(_ operations: [String]) -> String {
        "114," + operations.joined(separator: ",") + "\n"
    }

    public static func operationSuccessful(_ operation: String, parameter: String? = nil) -> String {
        "503,\(operation),\(parameter ?? "")\n"
    }

    /// The reason is always quoted, commas and all; inner quotes are doubled.
    public static func operationFailed(_ operation: String, reason: String) -> String {
        "502,\(operation),\(quoted(reason))\n"
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// One CSV field as thin-edge's `csv` writer puts it: quoted only when it holds a comma, a quote or a line break.
    static func field(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) ? quoted(text) : text
    }

    /// A SmartREST record: its fields, each quoted only when needed.
    static func record(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") }
}

extension SmartREST {
    /// The fields of one CSV line as Cumulocity writes them: commas separate, double quotes quote,
    /// a doubled quote inside quotes is one quote.
    static func fields(of line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var characters = line.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" { current.append("\"") } else { quoted = false; pending = next }
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
