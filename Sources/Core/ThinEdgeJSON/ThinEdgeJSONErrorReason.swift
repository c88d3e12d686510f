/// A rule violation's text, before a position is attached.
struct ThinEdgeJSONErrorReason: Error {
    let text: String
    init(_ text: String) { self.text = text }
}
