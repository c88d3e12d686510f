extension String {
    /// Without leading and trailing white space (Foundation's trimming, which the mapper does not link); for the flows and the bridge rule files.
    package var trimmingSpaces: String {
        let characters = self.drop { $0.isWhitespace }
        return String(characters.reversed().drop { $0.isWhitespace }.reversed())
    }
}
