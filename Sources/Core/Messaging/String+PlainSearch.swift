/// Plain substring search for the modules the mapper links, which are built without the implicit
/// `_StringProcessing` import (its regex engine would cost the mapper about a megabyte of memory).
extension StringProtocol {
    /// The first occurrence of `needle`, compared by Unicode scalars (as `firstRange(of:)` would find it).
    package func firstRange(ofText needle: some StringProtocol) -> Range<Index>? {
        let target = Array(needle.unicodeScalars)
        guard !target.isEmpty else { return startIndex..<startIndex }
        var index = unicodeScalars.startIndex
        while index != unicodeScalars.endIndex {
            var probe = index
            var matched = 0
            while matched < target.count, probe != unicodeScalars.endIndex, unicodeScalars[probe] == target[matched] {
                probe = unicodeScalars.index(after: probe)
                matched += 1
            }
            if matched == target.count { return index..<probe }
            index = unicodeScalars.index(after: index)
        }
        return nil
    }

    package func containsText(_ needle: some StringProtocol) -> Bool { firstRange(ofText: needle) != nil }
}
