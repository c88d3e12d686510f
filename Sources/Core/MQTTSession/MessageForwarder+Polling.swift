import Glibc
import TedgeMessaging

/// What a poll loop that serves more than the forwarder (the mapper's operation handlers) needs: the descriptors
/// to poll, the next deadline, and a way to publish messages that no input produced.
extension MessageForwarder {
    /// The forwarder's sockets, with the events it waits for now (the paused input is left out of POLLIN: its
    /// data waits in the kernel, and then at the broker).
    public func appendPollDescriptors(to descriptors: inout [pollfd]) {
        for connection in [input, output].compactMap({ $0 }) where connection.transport.fileDescriptor >= 0 {
            var events: Int16 = 0
            if machine.isReadable(connection.role) { events |= Int16(POLLIN) }
            if machine.session(connection.role).link == .opening || connection.hasPendingWrites { events |= Int16(POLLOUT) }
            if events != 0 {
                descriptors.append(pollfd(fd: connection.transport.fileDescriptor, events: events, revents: 0))
            }
        }
    }

    /// When the forwarder next has something to do without any socket becoming ready.
    public func nextDeadline(after now: Int64) -> Int64 { machine.nextDeadline(after: now) }

    public func handleStopSignals(_ stopSignals: SignalDescriptor) {
        for number in stopSignals.readSignals() {
            log("received signal \(number); stopping")
            requestStop()
        }
    }

    /// Publishes a message nothing waits for (a handler's answer, a timer's request), queued until the output
    /// session is up (`ForwarderStateMachine.publishUntracked`).
    public func publishUntracked(_ message: MQTTMessage) {
        let now = clock.milliseconds
        machine.publishUntracked(message, now: now)
        performActions(now: now)
    }

    /// Writes what the calls above queued.
    public func flushWrites() { flush(now: clock.milliseconds) }
}
