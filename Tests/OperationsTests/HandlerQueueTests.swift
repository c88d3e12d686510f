import TedgeProviderAPI
import Testing

@testable import TedgeOperations

@Suite struct HandlerQueueTests {
    private func method(_ id: String) -> OperationJob {
        .method(CloudMethodCall(name: "m", requestID: id, payload: []), receivedAt: 0)
    }

    private func desired(_ key: String, _ value: Int64) -> OperationJob {
        .desired(key: key, value: .integer(value), version: nil)
    }

    @Test func boundedSlotsThenBoundedWaitThenRefused() {
        var queue = HandlerQueue(maxRunning: 2, maxWaitingMethods: 1, maxWaitingOthers: 1)
        #expect(queue.admit(method("1")) == .startNow)
        queue.started(method("1"), id: 1)
        #expect(queue.admit(method("2")) == .startNow)
        queue.started(method("2"), id: 2)
        #expect(queue.admit(method("3")) == .waiting)
        #expect(queue.admit(method("4")) == .refused)
        #expect(queue.admit(.cloudMessage(CloudMessage(properties: [], payload: []))) == .waiting)
        #expect(queue.admit(.cloudMessage(CloudMessage(properties: [], payload: []))) == .refused)
        // A freed slot goes to the waiting method first.
        #expect(queue.finished(1) == method("1"))
        #expect(queue.nextToStart() == method("3"))
        queue.started(method("3"), id: 3)
        #expect(queue.nextToStart() == nil)
        _ = queue.finished(2)
        #expect(queue.nextToStart() == .cloudMessage(CloudMessage(properties: [], payload: [])))
        #expect(queue.finished(99) == nil)
    }

    @Test func oneKeyRunsAtATimeAndTheLatestValueWins() {
        var queue = HandlerQueue(maxRunning: 4, maxWaitingMethods: 8, maxWaitingOthers: 8)
        #expect(queue.admit(desired("fan", 1)) == .startNow)
        queue.started(desired("fan", 1), id: 1)
        #expect(queue.admit(desired("fan", 2)) == .waiting)
        #expect(queue.admit(desired("fan", 3)) == .waiting)
        #expect(queue.admit(desired("led", 1)) == .startNow)
        #expect(queue.waitingCount == 1)
        #expect(queue.nextToStart() == nil)
        _ = queue.finished(1)
        #expect(queue.nextToStart() == desired("fan", 3))
    }

    @Test func waitingMethodsPastTheirDeadlineAreTakenOff() {
        var queue = HandlerQueue(maxRunning: 1, maxWaitingMethods: 4, maxWaitingOthers: 4)
        queue.started(method("0"), id: 1)
        let early = OperationJob.method(CloudMethodCall(name: "m", requestID: "a", payload: []), receivedAt: 10)
        let late = OperationJob.method(CloudMethodCall(name: "m", requestID: "b", payload: []), receivedAt: 50)
        _ = queue.admit(early)
        _ = queue.admit(late)
        let due = queue.takeWaitingMethods { if case .method(_, let at) = $0 { return at < 20 } else { return false } }
        #expect(due == [early])
        #expect(queue.waitingMethods == [late])
    }
}
