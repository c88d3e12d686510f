import Glibc

/// A short random id for `$rid=` and client ids, so concurrent commands never collide.
enum RequestID {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let value: UInt64 = generator.next()
        return String(value & 0xFFFF_FFFF, radix: 16)
    }
}
