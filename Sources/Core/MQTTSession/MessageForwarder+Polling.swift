import Glibc
import TedgeMessaging

/// What a poll loop that serves more than the forwarder (the built-in bridge's cloud session; the companion's, the
/// mapper's operation handlers, come with the forwarder's) needs: the descriptors to poll, the next deadline, and
/// ways to hand in messages from elsewhere.
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
        companion?.appendPollDescriptors(to: &descriptors)
    }

    /// When the forwarder (or its companion) next has something to do without any socket becoming ready.
    public func nextDeadline(after now: Int64) -> Int64 {
        min(machine.nextDeadline(after: now), companion?.nextDeadline(after: now) ?? Int64.max)
    }

    public func handleStopSignals(_ stopSignals: SignalDescriptor) {
        for number in stopSignals.readSignals() {
            log("received signal \(number); stopping")
            requestStop()
        }
    }

    /// Publishes an inbound message on the local broker at its QoS; the sink's `delivered(token)` follows the
    /// broker's PUBACK. False when the forwarder is not ready: hand it in again later.
    public func publishExternal(_ message: MQTTMessage, token: Int) -> Bool {
        let now = clock.milliseconds
        let accepted = machine.publishExternal(message, token: token, now: now)
        performActions(now: now)
        return accepted
    }

    /// Publishes a message nothing waits for (health, metrics, a handler's answer, a timer's request), queued until
    /// the output session is up.
    public func publishUntracked(_ message: MQTTMessage) {
        let now = clock.milliseconds
        machine.publishUntracked(message, now: now)
        performActions(now: now)
    }

    /// Writes what the calls above queued.
    public func flushWrites() { flush(now: clock.milliseconds) }
}
