/// Whether a request id from the cloud can go back into an answer's topic: 1 to 128 printable ASCII bytes, none of
/// MQTT's wildcards (`+`, `#`: no valid topic could carry them). Anything else is not answered.
enum RequestIDCheck {
    static func isAnswerable(_ requestID: String) -> Bool {
        let bytes = requestID.utf8
        return !bytes.isEmpty && bytes.count <= 128
            && bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "#") }
    }
}
