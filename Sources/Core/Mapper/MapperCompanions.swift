import Glibc
import TedgeMQTTSession

/// The forwarder takes one companion; the mapper has up to two (the operation handlers, the flows' timers).
/// Nil when there is none, so the loop of a mapper without either does no work for them.
final class MapperCompanions: ForwarderCompanion {
    private let members: [any ForwarderCompanion]

    private init(_ members: [any ForwarderCompanion]) { self.members = members }

    static func make(_ members: [any ForwarderCompanion]) -> (any ForwarderCompanion)? {
        members.count <= 1 ? members.first : MapperCompanions(members)
    }

    func appendPollDescriptors(to descriptors: inout [pollfd]) {
        for member in members { member.appendPollDescriptors(to: &descriptors) }
    }

    func nextDeadline(after now: Int64) -> Int64 {
        var earliest = Int64.max
        for member in members { earliest = min(earliest, member.nextDeadline(after: now)) }
        return earliest
    }

    func serve(_ forwarder: MessageForwarder) {
        for member in members { member.serve(forwarder) }
    }
}
