extension String {
    /// Without leading and trailing white space (Foundation's trimming, which the mapper does not link).
    var trimmingSpaces: String {
        let characters = self.drop { $0.isWhitespace }
        return String(characters.reversed().drop { $0.isWhitespace }.reversed())
    }
}
