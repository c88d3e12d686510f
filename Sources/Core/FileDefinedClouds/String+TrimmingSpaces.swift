extension String {
    /// Without leading and trailing spaces and tabs (no Foundation in what the mapper links).
    var trimmingSpaces: String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(drop(while: blank).reversed().drop(while: blank).reversed())
    }
}
