import Glibc

/// errno as text, the way the Rust standard library prints I/O errors (`No such file or directory (os error 2)`).
public enum SystemError {
    public static func text(_ code: Int32) -> String { "\(String(cString: strerror(code))) (os error \(code))" }
}
