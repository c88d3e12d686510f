import Glibc
import Testing

/// Random interleavings of the built-in bridge's two state machines (`BridgeInterleavingSimulation`). Each run
/// prints its base seed; set TEDGE_BRIDGE_SEED to replay one.
@Suite struct BridgeInterleavingTests {
    @Test func durabilityAndAcknowledgementOrderHold() {
        let replay = getenv("TEDGE_BRIDGE_SEED").flatMap { UInt64(String(cString: $0)) }
        let base = replay ?? UInt64.random(in: 0...UInt64.max)
        let runs: UInt64 = replay == nil ? 1_000 : 1
        print("bridge interleavings: base seed \(base), \(runs) runs (TEDGE_BRIDGE_SEED=<seed> replays one)")
        var totals = (stored: 0, acknowledged: 0, inbound: 0)
        defer {
            print("bridge interleavings: \(totals.stored) stored, \(totals.acknowledged) acknowledged by the cloud, \(totals.inbound) inbound delivered")
        }
        for index in 0..<runs {
            let seed = base &+ index
            let simulation = BridgeInterleavingSimulation(seed: seed)
            do {
                try simulation.run(steps: 200)
                totals.stored += simulation.figures.stored
                totals.acknowledged += simulation.figures.cloudAcknowledged
                totals.inbound += simulation.figures.inboundDelivered
            } catch {
                Issue.record("seed \(seed): \(error.message)\nlast events:\n\(simulation.trace.suffix(30).joined(separator: "\n"))")
                return
            }
        }
        // The runs did the work the invariants are about: a simulation that stored nothing would pass them all.
        if replay == nil { #expect(totals.stored > 0 && totals.acknowledged > 0 && totals.inbound > 0, "\(totals)") }
    }
}
