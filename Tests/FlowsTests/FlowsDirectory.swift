import Foundation
import TedgeFlows
import TedgeLua
import TedgeTestSupport
import TedgeTopics

/// A flows directory of the test's own, files written atomically (a new inode, so a rewrite within the
/// file system's timestamp granularity is still seen as a change).
final class FlowsDirectory {
    let temporary = TemporaryDirectory()
    var path: String { temporary.path }

    /// 2025-11-13T16:13:34Z, thin-edge's own test clock.
    static let time = UnixTime(seconds: 1_763_050_414)!

    func write(_ name: String, _ text: String) {
        let target = temporary.file(name)
        try! FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let staging = target + ".writing-\(UUID().uuidString.prefix(6))"
        try! text.write(toFile: staging, atomically: false, encoding: .utf8)
        _ = rename(staging, target)
    }

    func remove(_ name: String) { try? FileManager.default.removeItem(atPath: temporary.file(name)) }

    func file(_ name: String) -> String { temporary.file(name) }

    /// An engine on this directory, started.
    func engine(limits: LuaLimits = LuaLimits(), mapperParams: [String: String] = [:]) -> (FlowEngine, FlowEngineOutput) {
        let engine = FlowEngine(directory: path, mapperParams: mapperParams, limits: limits)
        let started = engine.start(at: Self.time)
        return (engine, started)
    }
}

extension FlowEngine {
    /// Processes one message at the test clock.
    func process(_ topic: String, _ payload: String, at time: UnixTime = FlowsDirectory.time) -> FlowEngineOutput {
        process(FlowMessage(topic: topic, text: payload), at: time)
    }
}

extension FlowMessage {
    var payloadText: String { String(decoding: payload, as: UTF8.self) }
}
