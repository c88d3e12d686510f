import TedgeProviderAPI
import Testing

@testable import TedgeCLI

/// The registry travels as a task-local value from `TedgeCLI.main(registry:)`; read anywhere else,
/// it stops the program with the fix rather than pretending no cloud exists.
@Suite struct TedgeCLIRegistryTests {
    @Test func insideMainTheCommandsSeeTheRegistryHandedIn() {
        let ids = TedgeCLI.$startedWith.withValue(CloudRegistry([])) { TedgeCLI.registry.ids }
        #expect(ids == [])
    }

    @Test func readOutsideMainItStopsAndNamesTheFix() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = TedgeCLI.registry
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("TedgeCLI.registry was read outside TedgeCLI.main(registry:)"))
        #expect(message.contains("TedgeCLI.main(registry: CloudRegistry("))
    }
}
