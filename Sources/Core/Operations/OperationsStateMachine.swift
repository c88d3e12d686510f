import TedgeProviderAPI

/// Core's side of a cloud's operations, without I/O: the provider says what a message is (`CloudOperations`), this
/// decides what to do, and its driver carries out the actions (publish, start a handler, log) and reports back
/// (`handlerFinished`, `tick`). It owns:
/// - method calls: name, request id and size checked (400, 413), a handler in the bounded queue (`HandlerQueue`;
///   503 beyond it), or the built-ins `restart` and `health`, or 404; the answer when the handler ends (200, 500,
///   504 past the time limit, which counts from the request);
/// - the twin: read whenever the cloud link comes up (the link services' retained health after every connection,
///   and every reconnection of the bridge), nothing sent while no link is known up; desired properties published
///   retained one per key and handed to `desired/<key>` handlers when they change; the device's twin fragments
///   coalesced into reported patches, retried until accepted (`DesiredProperties`, `ReportedProperties`);
/// - cloud-to-device messages handed to the `c2d` handler;
/// - the health of this device's services, and whether the cloud link is up.
public struct OperationsStateMachine {
    private struct PendingRestart {
        var call: CloudMethodCall
        var topic: String
        var deadline: Int64
        var lastStatus: String
    }

    /// Method handlers' names that are not methods: the cloud-to-device handler and the desired-property folder.
    static let reservedNames = ["c2d", "desired"]
    /// Request ids remembered to ignore a call delivered twice (the local broker redelivers what was not acknowledged).
    static let rememberedRequestIDs = 256
    static let maxPendingRestarts = 4
    static let twinReadRetryMilliseconds: Int64 = 10_000

    public let configuration: OperationsConfiguration
    private let cloud: any CloudOperations
    private let lookup: (String) -> HandlerLookup
    private var queue: HandlerQueue
    private var actions: [OperationsAction] = []
    private var lastRunID = 0
    private var lastRequestNumber: Int64
    private var recentRequestIDs: [String] = []
    private var desired = DesiredProperties()
    private var reported = ReportedProperties()
    /// Twin reads sent and not answered, by request id, with when to give up on each.
    private var twinReads: [String: Int64] = [:]
    private var twinReadDue: Int64?
    private var restarts: [String: PendingRestart] = [:]
    /// This device's services and their last health message.
    private var services: [String: JSONValue] = [:]
    private var linkStates: [String: Bool] = [:]

    /// `lookup` says whether a handler file can be run (the driver looks on disk); `requestNumberSeed` starts the
    /// numbers of our own request and command ids, so that a restarted mapper does not reuse them.
    public init(
        configuration: OperationsConfiguration, cloud: any CloudOperations, lookup: @escaping (String) -> HandlerLookup,
        requestNumberSeed: Int64
    ) {
        self.configuration = configuration
        self.cloud = cloud
        self.lookup = lookup
        lastRequestNumber = requestNumberSeed
        queue = HandlerQueue(
            maxRunning: configuration.maxRunning, maxWaitingMethods: configuration.maxWaitingMethods,
            maxWaitingOthers: configuration.maxWaitingOthers)
    }

    /// The cloud's topics, the desired values last published, and this device's twin fragments, restart commands
    /// and service health.
    public var subscriptions: [String] {
        let schema = configuration.schema
        return cloud.subscriptions + [
            cloud.desiredTopicPrefix + "+",
            schema.topic(for: configuration.device, .twin(fragment: "+")),
            schema.topic(for: configuration.device, .command(operation: .restart, id: "+")),
            schema.anyEntity("/status/health"),
        ]
    }

    public mutating func nextAction() -> OperationsAction? { actions.isEmpty ? nil : actions.removeFirst() }

    /// Handlers running now.
    public var runningCount: Int { queue.running.count }
    /// nil while no link service has said anything.
    public var linkUp: Bool? { linkStates.isEmpty ? nil : linkStates.values.contains(true) }

    // MARK: - Events

    /// The local session is (again) connected and subscribed: the link services' retained health comes again, and
    /// the twin is read when it says the link is up (without a bridge that reports, nothing goes to the cloud).
    public mutating func connected(now: Int64) {
        twinReads.removeAll()
        twinReadDue = nil
        linkStates.removeAll()
    }

    public mutating func receive(_ message: MQTTMessage, now: Int64) {
        if let input = cloud.interpret(message) { return handle(input, now: now) }
        if message.topic.hasPrefix(cloud.desiredTopicPrefix) {
            // Only what the broker kept: our own publications coming back live are not news.
            if message.retain {
                desired.remember(key: String(message.topic.dropFirst(cloud.desiredTopicPrefix.count)), payload: message.payload)
            }
            return
        }
        let schema = configuration.schema
        guard schema.contains(message.topic), let (entity, channel) = try? schema.parse(message.topic) else { return }
        switch channel {
        case .twin(let fragment) where entity == configuration.device:
            twinFragment(fragment, payload: message.payload, now: now)
        case .command(.restart, let commandID) where entity == configuration.device:
            restartCommand(commandID, topic: message.topic, payload: message.payload, now: now)
        case .health where entity.defaultServiceParent == configuration.device:
            serviceHealth(entity, payload: message.payload, now: now)
        default:
            break
        }
    }

    /// A message too large to be received whole: a method call is answered 413, anything else is only logged.
    public mutating func receiveOversized(topic: String, payloadBytes: Int, now: Int64) {
        guard case .methodCall(let call)? = cloud.interpret(MQTTMessage(topic: topic, payload: [], qos: .atLeastOnce)) else {
            return log("a message of \(payloadBytes) bytes on \(topic) is too large to be received; dropped")
        }
        guard RequestIDCheck.isAnswerable(call.requestID) else { return log("not answered: a method call with a bad request id") }
        answer(call, tooLarge(payloadBytes))
    }

    public mutating func handlerFinished(_ id: Int, _ outcome: HandlerOutcome, now: Int64) {
        guard let job = queue.finished(id) else { return }
        switch job {
        case .method(let call, _):
            answer(call, MethodAnswer.from(outcome, handler: shown(call.name), timeLimitSeconds: configuration.timeLimitSeconds))
        case .desired(let key, _, _):
            report(outcome, of: shown("desired/" + key))
        case .cloudMessage:
            report(outcome, of: shown("c2d"))
        }
        startWaiting(now: now)
    }

    /// Time passes: calls that waited too long, restart commands nobody took, twin reads and reported patches due.
    public mutating func tick(now: Int64) {
        let limit = configuration.timeLimitMilliseconds
        for job in queue.waitingMethods.isEmpty
            ? [] : queue.takeWaitingMethods(where: { Self.deadline(of: $0, limit: limit) <= now })
        {
            guard case .method(let call, _) = job else { continue }
            answer(call, .refusal(504, "no handler slot was free within \(configuration.timeLimitSeconds) s"))
        }
        for (commandID, restart) in restarts where now >= restart.deadline {
            restarts[commandID] = nil
            if restart.lastStatus == "init" {
                answer(
                    restart.call,
                    .refusal(
                        504,
                        "nobody took the restart command \(restart.topic) within \(configuration.timeLimitSeconds) s; it was withdrawn"
                    ))
                publish(MQTTMessage(topic: restart.topic, payload: [], qos: .atLeastOnce, retain: true))
            } else {
                answer(restart.call, restartAnswer(202, status: restart.lastStatus))
            }
        }
        for (requestID, deadline) in twinReads where now >= deadline {
            twinReads[requestID] = nil
            if twinReads.isEmpty && twinReadDue == nil { twinReadDue = now }
        }
        guard linkUp == true else { return }
        if let due = twinReadDue, now >= due { readTwin(now: now) }
        _ = reported.tick(now: now)
        guard reported.isDue(now: now) else { return }
        lastRequestNumber += 1
        let requestID = String(lastRequestNumber)
        if let patch = reported.takePatch(now: now, requestID: requestID, answerWithin: configuration.timeLimitMilliseconds),
            let message = cloud.reportedPatch(patch, requestID: requestID)
        {
            publish(message)
        }
    }

    /// When `tick` next has something to do (asked at every turn of the mapper's loop: no allocation).
    public func nextDeadline(after now: Int64) -> Int64 {
        var next = now + 60_000
        for job in queue.waitingMethods { next = min(next, deadline(of: job)) }
        for restart in restarts.values { next = min(next, restart.deadline) }
        for deadline in twinReads.values { next = min(next, deadline) }
        if linkUp == true {
            if let twinReadDue { next = min(next, twinReadDue) }
            if let due = reported.nextDeadline() { next = min(next, due) }
        }
        return next
    }

    // MARK: - What the cloud sent

    private mutating func handle(_ input: CloudOperationInput, now: Int64) {
        switch input {
        case .methodCall(let call):
            methodCall(call, now: now)
        case .twinAnswer(let answer):
            twinAnswer(answer, now: now)
        case .desiredPatch(let patch, let version):
            let update = desired.apply(patch: patch, version: version)
            apply(update, now: now)
            if update.missedVersions {
                log("a desired-property patch was missed (now at version \(version ?? 0)); reading the twin")
                twinReadDue = now
            }
        case .desiredDocument(let document, let version):
            apply(desired.apply(document: document, version: version), now: now)
        case .cloudMessage(let message):
            let path = handlerPath("c2d")
            guard lookup(path) == .executable else { return }
            guard message.payload.count <= configuration.maxPayloadBytes else {
                return log(
                    "a cloud-to-device message of \(message.payload.count) bytes is too large for \(shown("c2d")); not run")
            }
            submit(.cloudMessage(message), now: now)
        case .unanswerable(let text):
            log("not answered: \(text)")
        }
    }

    private mutating func methodCall(_ call: CloudMethodCall, now: Int64) {
        guard RequestIDCheck.isAnswerable(call.requestID) else {
            return log("not answered: a call of '\(OperationName.shown(call.name))' with a request id that cannot be answered")
        }
        guard !recentRequestIDs.contains(call.requestID) else {
            return log("the method call with request id \(call.requestID) arrived again; ignored")
        }
        recentRequestIDs.append(call.requestID)
        if recentRequestIDs.count > Self.rememberedRequestIDs { recentRequestIDs.removeFirst() }
        if let refusal = OperationName.refusal(call.name) {
            return answer(call, .refusal(400, "invalid method name '\(OperationName.shown(call.name))': \(refusal)"))
        }
        guard call.payload.count <= configuration.maxPayloadBytes else { return answer(call, tooLarge(call.payload.count)) }
        guard !Self.reservedNames.contains(call.name) else {
            return answer(call, .refusal(404, "'\(call.name)' is not a method: \(shown(call.name)) is reserved"))
        }
        switch lookup(handlerPath(call.name)) {
        case .executable:
            submit(.method(call, receivedAt: now), now: now)
        case .missing where call.name == "restart":
            restart(call, now: now)
        case .missing where call.name == "health":
            answer(
                call,
                MethodAnswer(
                    status: 200, payload: JSONText.serialize(.object(services.keys.sorted().map { ($0, services[$0]!) }))))
        case .missing:
            answer(call, .refusal(404, "no handler for the method '\(call.name)': \(shown(call.name)) does not exist"))
        case .notExecutable(let reason):
            answer(call, .refusal(404, "no handler for the method '\(call.name)': \(shown(call.name)) \(reason)"))
        }
    }

    private mutating func twinAnswer(_ answer: TwinAnswer, now: Int64) {
        if twinReads[answer.requestID] != nil {
            // Any answer to a read is the whole twin: the other reads are answered by it.
            twinReads.removeAll()
            guard answer.status == 200, let document = answer.desired else {
                log("the cloud answered \(answer.status) to reading the twin: \(answer.message); reading it again later")
                twinReadDue = now + Self.twinReadRetryMilliseconds
                return
            }
            apply(desired.apply(document: document, version: answer.version), now: now)
        } else if reported.isAwaiting(answer.requestID) {
            switch reported.answered(status: answer.status, now: now) {
            case .accepted: break
            case .refused: log("the cloud refused reported properties (\(answer.status) \(answer.message)); dropped")
            case .retrying: log("the cloud answered \(answer.status) to reported properties; sending them again")
            }
        }
    }

    private mutating func apply(_ update: DesiredProperties.Update, now: Int64) {
        for key in update.refusedKeys {
            log("the desired property '\(OperationName.shown(key))' is not kept locally: \(OperationName.refusal(key) ?? "")")
        }
        for change in update.changes {
            let text = change.value.map(JSONText.serialize) ?? ""
            publish(MQTTMessage(topic: cloud.desiredTopicPrefix + change.key, text: text, qos: .atLeastOnce, retain: true))
            if lookup(handlerPath("desired/" + change.key)) == .executable {
                submit(.desired(key: change.key, value: change.value, version: desired.version), now: now)
            }
        }
    }

    // MARK: - What the device says

    private mutating func twinFragment(_ fragment: String, payload: [UInt8], now: Int64) {
        // IoT Hub refuses `.`, `$` and spaces in property names, thin-edge `@` and `/`: letters, digits, `_`, `-`.
        guard OperationName.isValid(fragment), !fragment.contains(".") else {
            return log(
                "the twin fragment '\(OperationName.shown(fragment))' is not reported: names are letters, digits, '_' and '-'")
        }
        guard !payload.isEmpty else { return reported.fragmentChanged(fragment, to: nil, now: now) }
        guard case .success(let value) = JSONText.parse(payload) else {
            return log("the twin fragment '\(fragment)' is not JSON; not reported")
        }
        reported.fragmentChanged(fragment, to: value, now: now)
    }

    private mutating func serviceHealth(_ service: EntityTopicID, payload: [UInt8], now: Int64) {
        guard let name = service.defaultServiceName.map(String.init) else { return }
        if payload.isEmpty {
            services[name] = nil
        } else if case .success(let value) = JSONText.parse(payload), case .object = value {
            services[name] = value
        } else {
            services[name] = .object([("status", .string(ServiceHealth.status(of: payload, service: service)))])
        }
        guard cloud.linkServices.contains(name) else { return }
        let wasUp = linkUp == true
        linkStates[name] = payload.isEmpty ? nil : ServiceHealth.status(of: payload, service: service) == "up"
        guard !wasUp, linkUp == true else { return }
        // The link came (back) up: what the cloud pushed meanwhile is unknown, and reported patches may be lost.
        twinReads.removeAll()
        twinReadDue = now
        reported.resendAll(now: now)
    }

    private mutating func restartCommand(_ commandID: String, topic: String, payload: [UInt8], now: Int64) {
        guard commandID.hasPrefix("\(configuration.cloud)-mapper-"), !payload.isEmpty,
            case .success(.object(let members)) = JSONText.parse(payload)
        else { return }
        let status: String
        if case .string(let text)? = members.first(where: { $0.key == "status" })?.value {
            status = text
        } else {
            status = "init"
        }
        switch status {
        case "successful", "failed":
            if let pending = restarts.removeValue(forKey: commandID) {
                var answer = restartAnswer(status == "successful" ? 200 : 500, status: status)
                if case .string(let reason)? = members.first(where: { $0.key == "reason" })?.value {
                    answer.payload = JSONText.serialize(.object([("status", .string(status)), ("reason", .string(reason))]))
                }
                self.answer(pending.call, answer)
            }
            // Ours, and over (perhaps after the reboot it asked for): cleared, as thin-edge's mappers do.
            publish(MQTTMessage(topic: topic, payload: [], qos: .atLeastOnce, retain: true))
        case "restarting":
            // The device goes down now: nobody will be here to answer once it is done.
            if let pending = restarts.removeValue(forKey: commandID) { answer(pending.call, restartAnswer(202, status: status)) }
        default:
            restarts[commandID]?.lastStatus = status
        }
    }

    // MARK: - Acting

    private mutating func restart(_ call: CloudMethodCall, now: Int64) {
        guard restarts.count < Self.maxPendingRestarts else {
            return answer(call, .refusal(503, "\(restarts.count) restart commands are pending already"))
        }
        lastRequestNumber += 1
        let commandID = "\(configuration.cloud)-mapper-\(lastRequestNumber)"
        let topic = configuration.schema.topic(for: configuration.device, .command(operation: .restart, id: commandID))
        restarts[commandID] = PendingRestart(
            call: call, topic: topic, deadline: now + configuration.timeLimitMilliseconds, lastStatus: "init")
        publish(MQTTMessage(topic: topic, text: #"{"status":"init"}"#, qos: .atLeastOnce, retain: true))
    }

    private func restartAnswer(_ status: Int, status text: String) -> MethodAnswer {
        MethodAnswer(status: status, payload: JSONText.serialize(.object([("status", .string(text))])))
    }

    private mutating func readTwin(now: Int64) {
        twinReadDue = nil
        lastRequestNumber += 1
        let requestID = String(lastRequestNumber)
        guard let request = cloud.twinRequest(requestID: requestID) else { return }
        twinReads[requestID] = now + configuration.timeLimitMilliseconds
        publish(request)
    }

    private mutating func submit(_ job: OperationJob, now: Int64) {
        switch queue.admit(job) {
        case .startNow:
            start(job, now: now)
        case .waiting:
            break
        case .refused:
            if case .method(let call, _) = job {
                answer(
                    call,
                    .refusal(
                        503,
                        "too many calls: \(queue.running.count) handlers running and \(queue.waitingCount) waiting; try again later"
                    ))
            } else {
                log("too many handlers running and waiting: \(describe(job)) dropped")
            }
        }
    }

    private mutating func start(_ job: OperationJob, now: Int64) {
        lastRunID += 1
        queue.started(job, id: lastRunID)
        let cloudID = configuration.cloud
        let base = configuration.baseEnvironment
        let run: HandlerRun
        switch job {
        case .method(let call, _):
            run = HandlerRun(
                id: lastRunID, executable: handlerPath(call.name), standardInput: call.payload,
                environment: HandlerEnvironment.method(call, cloud: cloudID, base: base), deadline: deadline(of: job))
        case .desired(let key, let value, let version):
            run = HandlerRun(
                id: lastRunID, executable: handlerPath("desired/" + key),
                standardInput: Array(JSONText.serialize(value ?? .null).utf8),
                environment: HandlerEnvironment.desired(key: key, version: version, cloud: cloudID, base: base),
                deadline: now + configuration.timeLimitMilliseconds)
        case .cloudMessage(let message):
            run = HandlerRun(
                id: lastRunID, executable: handlerPath("c2d"), standardInput: message.payload,
                environment: HandlerEnvironment.cloudMessage(message, cloud: cloudID, base: base),
                deadline: now + configuration.timeLimitMilliseconds)
        }
        actions.append(.start(run))
    }

    private mutating func startWaiting(now: Int64) {
        while let next = queue.nextToStart() { start(next, now: now) }
    }

    private mutating func answer(_ call: CloudMethodCall, _ answer: MethodAnswer) {
        guard let message = cloud.methodResponse(to: call, status: answer.status, payload: Array(answer.payload.utf8)) else {
            return
        }
        log("method '\(OperationName.shown(call.name))' (request \(call.requestID)): \(answer.status)")
        publish(message)
    }

    private mutating func report(_ outcome: HandlerOutcome, of handler: String) {
        guard outcome.ending != .exited(0) else { return }
        let answer = MethodAnswer.from(outcome, handler: handler, timeLimitSeconds: configuration.timeLimitSeconds)
        log("\(handler) failed: \(answer.payload)")
    }

    private mutating func publish(_ message: MQTTMessage) { actions.append(.publish(message)) }
    private mutating func log(_ line: String) { actions.append(.log(line)) }

    // MARK: - Values

    private func deadline(of job: OperationJob) -> Int64 { Self.deadline(of: job, limit: configuration.timeLimitMilliseconds) }

    /// A method's answer is due a time limit after its request; other jobs have no such deadline while they wait.
    private static func deadline(of job: OperationJob, limit: Int64) -> Int64 {
        if case .method(_, let receivedAt) = job { return receivedAt + limit }
        return Int64.max
    }

    private func handlerPath(_ name: String) -> String { configuration.handlerDirectory + "/" + name }
    private func shown(_ name: String) -> String { configuration.shownDirectory + "/" + name }

    private func tooLarge(_ bytes: Int) -> MethodAnswer {
        .refusal(
            413, "the payload of \(bytes) bytes is larger than the \(configuration.maxPayloadBytes) bytes a handler is given")
    }

    private func describe(_ job: OperationJob) -> String {
        switch job {
        case .method(let call, _): return "the call of \(shown(call.name))"
        case .desired(let key, _, _): return "the run of \(shown("desired/" + key))"
        case .cloudMessage: return "the run of \(shown("c2d")) for a cloud-to-device message"
        }
    }
}
