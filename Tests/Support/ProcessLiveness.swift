import Foundation

/// Whether a process still runs, as the tests that check handlers and their children are gone see it.
public enum ProcessLiveness {
    /// True while `/proc/<pid>/stat` exists and its state is neither zombie (`Z`) nor dead (`X`).
    public static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(close, offsetBy: 2)]
        return state != "Z" && state != "X"
    }
}
