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
}
