/// Bounded handler slots: at most `maxRunning` handlers at once; beyond that method calls wait (at most
/// `maxWaitingMethods`, first in first out) and then everything else (at most `maxWaitingOthers`); more is refused,
/// so a flood of calls costs a bounded amount of memory and processes. Methods go first when a slot frees: they
/// have an answer due. Desired-property runs of one key never overlap, and a newer value replaces a waiting one.
struct HandlerQueue {
    enum Admission: Equatable {
        case startNow
        case waiting
        case refused
    }

    let maxRunning: Int
    let maxWaitingMethods: Int
    let maxWaitingOthers: Int
    private(set) var running: [Int: OperationJob] = [:]
    private(set) var waitingMethods: [OperationJob] = []
    private(set) var waitingOthers: [OperationJob] = []

    init(maxRunning: Int, maxWaitingMethods: Int, maxWaitingOthers: Int) {
        self.maxRunning = max(1, maxRunning)
        self.maxWaitingMethods = maxWaitingMethods
        self.maxWaitingOthers = maxWaitingOthers
    }

    var waitingCount: Int { waitingMethods.count + waitingOthers.count }

    /// Where a new job goes: `startNow` means the caller starts it and reports `started`.
    mutating func admit(_ job: OperationJob) -> Admission {
        if let key = job.coalescingKey {
            if let index = waitingOthers.firstIndex(where: { $0.coalescingKey == key }) {
                waitingOthers[index] = job
                return .waiting
            }
            if running.values.contains(where: { $0.coalescingKey == key }) { return wait(job) }
        }
        return running.count < maxRunning ? .startNow : wait(job)
    }

    mutating func started(_ job: OperationJob, id: Int) { running[id] = job }

    /// The job of a run that ended (nil for an unknown id).
    mutating func finished(_ id: Int) -> OperationJob? { running.removeValue(forKey: id) }

    /// The next waiting job that may start now, taken off the queue; the caller starts it and reports `started`.
    mutating func nextToStart() -> OperationJob? {
        guard running.count < maxRunning else { return nil }
        if !waitingMethods.isEmpty { return waitingMethods.removeFirst() }
        let busy = Set(running.values.compactMap(\.coalescingKey))
        guard let index = waitingOthers.firstIndex(where: { $0.coalescingKey.map { !busy.contains($0) } ?? true }) else {
            return nil
        }
        return waitingOthers.remove(at: index)
    }

    /// Waiting method calls whose answer is due before they could start (`due` says when), taken off the queue.
    mutating func takeWaitingMethods(where isDue: (OperationJob) -> Bool) -> [OperationJob] {
        let due = waitingMethods.filter(isDue)
        waitingMethods.removeAll(where: isDue)
        return due
    }

    private mutating func wait(_ job: OperationJob) -> Admission {
        if job.isMethod {
            guard waitingMethods.count < maxWaitingMethods else { return .refused }
            waitingMethods.append(job)
        } else {
            guard waitingOthers.count < maxWaitingOthers else { return .refused }
            waitingOthers.append(job)
        }
        return .waiting
    }
}
