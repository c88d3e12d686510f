import ArgumentParser

/// `tedge mqtt sub --duration`: seconds, as `5`, `5s`, `500ms`, `2m` or `1h` (thin-edge 1.x takes humantime values).
struct SubscriptionDuration: ExpressibleByArgument, Sendable {
    let seconds: Double

    init?(argument: String) {
        let units: [(suffix: String, factor: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("", 1)]
        for (suffix, factor) in units where argument.hasSuffix(suffix) {
            guard let number = Double(argument.dropLast(suffix.count)), number.isFinite, number > 0 else { continue }
            seconds = number * factor
            return
        }
        return nil
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
