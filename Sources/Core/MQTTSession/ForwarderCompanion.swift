import Glibc

/// Work the mapper's poll loop does beside the forwarder (the operation handlers, the flows' timers), whichever loop runs it
/// (`MessageForwarder.run`, the built-in bridge's): its descriptors are polled with the forwarder's, its deadline
/// bounds the wait, and it is served at the start of every step, where it may publish (`publishUntracked`).
public protocol ForwarderCompanion: AnyObject {
    func appendPollDescriptors(to descriptors: inout [pollfd])
    func nextDeadline(after now: Int64) -> Int64
    func serve(_ forwarder: MessageForwarder)
}
