extension String {
    /// Escapes `\` and `"` the way a debug-quoted string shows them.
    package func replacingBackslashesAndQuotes() -> String {
        var out = ""
        for character in self {
            if character == "\\" || character == "\"" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
