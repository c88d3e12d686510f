import NimbusCloud
import TedgeCloudProviderTesting
import TedgeComposition
import TedgeProviderAPI
import Testing

@Suite struct NimbusProviderTests {
    @Test func nimbusPassesTheContract() { ProviderContract.verify(NimbusProvider()) }

    @Test func theRegistryListsTheBuiltInCloudsAndNimbus() {
        let registry = CloudRegistry(BuiltinClouds.providers + [NimbusProvider()])
        #expect(registry.ids == ["c8y", "az", "aws", "nimbus"])
        #expect(registry.problems.isEmpty)
        #expect(registry.configSchema.key(named: "nimbus.url") != nil)
    }
}
