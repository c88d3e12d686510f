/// Where a stop stands: waiting for the outstanding outputs, then for the final messages, each for at most the
/// drain timeout.
struct ForwarderDrain: Equatable {
    enum Stage: Equatable {
        case outputs
        /// The final messages have been asked for.
        case producingFinalMessages
        case finalMessages
    }

    var stage: Stage = .outputs
    var deadline: Int64
    /// The outputs still unacknowledged when the first deadline passed.
    var shortfall: Int?
    var finalMessagesOutstanding = 0
}
