import TedgeProviderAPI
// The contract itself is `TedgeProviderContract` (plain, no test framework: `tedge mapper verify` runs it too);
// this kit records its violations as test issues.
@_exported import TedgeProviderContract
import Testing

extension ProviderContract {
    /// Records one test issue per violation:
    ///
    ///     @Test func contract() { ProviderContract.verify(MyProvider()) }
    public static func verify(_ provider: any CloudProvider, sourceLocation: SourceLocation = #_sourceLocation) {
        for violation in violations(of: provider) { Issue.record("\(violation)", sourceLocation: sourceLocation) }
    }
}
