import Glibc
import TedgeMQTTSession
import Testing

/// Thousands of random interleavings of inputs, acknowledgements, disconnects, time, late answers and a stop,
/// each checked after every step (`InterleavingSimulation`). Each run prints its base seed; set
/// TEDGE_FORWARDER_SEED to replay one.
@Suite struct ForwarderStateMachineInterleavingTests {
    @Test func invariantsHoldUnderRandomInterleavings() {
        let replay = getenv("TEDGE_FORWARDER_SEED").flatMap { UInt64(String(cString: $0)) }
        let base = replay ?? UInt64.random(in: 0...UInt64.max)
        let runs: UInt64 = replay == nil ? 2_000 : 1
        print("forwarder interleavings: base seed \(base), \(runs) runs (TEDGE_FORWARDER_SEED=<seed> replays one)")
        var steps = 0
        var outcomes: [String: Int] = [:]
        for index in 0..<runs {
            let seed = base &+ index
            let simulation = InterleavingSimulation(seed: seed)
            do {
                try simulation.run(steps: 150)
                steps += simulation.stepCount
                outcomes["\(simulation.outcome!)", default: 0] += 1
            } catch {
                Issue.record(
                    "seed \(seed): \(error.message)\nlast events:\n\(simulation.trace.joined(separator: "\n"))")
                return
            }
        }
        print("forwarder interleavings: \(runs) runs, \(steps) steps, every invariant held; outcomes \(outcomes)")
    }
}
