import Glibc

/// errno as the text the C library gives it, for log lines ("Connection refused").
enum SystemErrorText {
    static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
