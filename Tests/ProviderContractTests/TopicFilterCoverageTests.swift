import Testing

@testable import TedgeProviderContract

/// Whether an answer can come back through a bridge rule: one filter taking in every topic of another.
struct TopicFilterCoverageTests {
    @Test func wildcardsCoverWhatTheyMatch() {
        let covered: [(String, String)] = [
            ("az/twin/res/#", "az/twin/res/#"), ("az/twin/res/#", "az/twin/res/+"), ("az/twin/res/#", "az/twin/res"),
            ("a/+/c", "a/b/c"), ("a/+/c", "a/+/c"), ("#", "a/b"), ("a/#", "a/b/c/d"),
        ]
        for (outer, inner) in covered { #expect(TopicFilterCoverage.covers(outer, inner), "\(outer) ⊇ \(inner)") }
        let notCovered: [(String, String)] = [
            ("a/+", "a/#"), ("a/+", "a"), ("a/b", "a/+"), ("a/b", "a/b/c"), ("a/+/c", "a/b/d"), ("#", "$iothub/twin"),
            ("+/twin", "$iothub/twin"), ("a/b/c", "a/b"),
        ]
        for (outer, inner) in notCovered { #expect(!TopicFilterCoverage.covers(outer, inner), "\(outer) ⊉ \(inner)") }
    }
}
