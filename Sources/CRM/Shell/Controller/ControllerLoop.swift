import Glibc
import Membership
import Messaging
import NIOCore
import NIOPosix
import XML

/// Why the event loop ends.
enum LoopExit: Sendable, Equatable {
    /// A clean stop (shutdown done, or nothing to wait for).
    case stop
    /// The daemon cannot go on.
    case failure(String)
}

/// The crmd's event loop state: owns the `Controller`, turns inputs into controller events and carries out
/// the directives. Only the daemon's loop task touches it.
struct ControllerLoop {
    /// The process group of the controllers.
    static let group = "crmd"

    var controller: Controller
    var tracker: ControllerViewTracker
    let configuration: ControllerDaemonConfiguration
    let connection: HeartbeatConnection
    let runner: LocalActionRunner
    let writer: PersistWriter
    let sink: AsyncStream<ControllerInput>.Continuation
    let log: ControllerEventLog
    let origin = ContinuousClock.now
    /// Tools waiting for the outcome of their update.
    var waitingTools: [UpdateID: @Sendable (CRMDResponse) -> Void] = [:]
    /// The transition last logged as started.
    var loggedTransition: Int?
    /// Whether the writer is writing; persists asked for meanwhile wait in `pendingPersist` (only the newest).
    var isWriting = false
    var pendingPersist: (sequence: UInt64, lineage: CIBLineage)?
    /// The write on its way, tried again (a second later, with the CIB then current) when it fails.
    var currentPersist: (sequence: UInt64, lineage: CIBLineage)?
    /// Multicasts in flight and waiting (the daemon's flow control would drop what passes its window).
    var sends = SendWindow<ByteBuffer>()
    let pid = UInt32(bitPattern: getpid())

    init(
        controller: Controller, configuration: ControllerDaemonConfiguration, connection: HeartbeatConnection,
        runner: LocalActionRunner, writer: PersistWriter, sink: AsyncStream<ControllerInput>.Continuation,
        log: ControllerEventLog
    ) {
        self.controller = controller
        self.tracker = ControllerViewTracker(group: Self.group, durabilityQuorum: configuration.durabilityQuorum)
        self.configuration = configuration
        self.connection = connection
        self.runner = runner
        self.writer = writer
        self.sink = sink
        self.log = log
    }

    var now: Instant { Instant(nanoseconds: (ContinuousClock.now - origin).nanosecondsClamped) }

    func name(_ node: NodeID) -> String { configuration.names[node] ?? "\(node)" }

    /// Handles one input; returns why the daemon must stop, if it must.
    mutating func handle(_ input: ControllerInput) async -> LoopExit? {
        switch input {
        case .heartbeat(let event):
            if let view = tracker.handle(event) {
                log.notice(
                    "view installed view=\(view.id.epoch).\(view.id.rawValue & 0xffff_ffff) "
                        + "members=\(view.members.map(name).joined(separator: ",")) "
                        + "quorate=\(view.isQuorate ? "yes" : "no")")
                return await feed(.viewInstalled(view))
            }
            switch event {
            case .message(let group, let from, let payload) where group == Self.group:
                if from.member.node == configuration.node, from.pid == pid {
                    if let failure = await send(sends.deliveredOwn()) { return failure }
                }
                do {
                    let message = try ControllerMessage.decode(payload)
                    return await feed(.messageDelivered(from: from.member.node, message))
                } catch {
                    log.log(.warning, "dropped a malformed controller message from \(name(from.member.node)): \(error)")
                }
            case .failure(let reason):
                log.log(.warning, "the heartbeat daemon refused a request: \(reason)")
                if let failure = await send(sends.reset()) { return failure }
            default:
                break
            }
            return nil
        case .heartbeatClosed(let reason):
            return .failure("lost the heartbeat daemon: \(reason)")
        case .lrmdClosed:
            return .failure("lost lrmd: the connection closed")
        case .shutdownRequested:
            return await shutDown()
        case .shutdownTimedOut:
            log.log(.warning, "clean shutdown timed out after \(configuration.shutdownTimeout): stopping anyway")
            return .stop
        case .persistFailed(let reason):
            log.log(.error, reason)
            isWriting = false
            if pendingPersist == nil { pendingPersist = currentPersist }
            let sink = sink
            Task {
                try? await Task.sleep(for: .seconds(1))
                sink.yield(.event(.timerFired))
            }
            return nil
        case .event(let event):
            logLocalResult(event)
            if case .persisted = event { isWriting = false }
            let exit = await feed(event)
            startPendingWrite()
            return exit
        case .request(let request, let peer, let reply):
            return await serve(request, peer: peer, reply: reply)
        }
    }

    /// Feeds the controller and carries out what it asks.
    mutating func feed(_ event: Controller.Event) async -> LoopExit? {
        let directives = controller.handle(event, at: now, wallTime: CIBReplicaStore.timestamp())
        logTransitionStart()
        return await carryOut(directives)
    }

    mutating func carryOut(_ directives: [Controller.Directive]) async -> LoopExit? {
        var exit: LoopExit?
        for directive in directives {
            switch directive {
            case .broadcast(let message):
                if case .actionRequested(_, let target, let transitionID, let action, _) = message {
                    logDispatch(action, on: target, transitionID: transitionID)
                }
                let bytes = message.encoded()
                if let failure = await send(sends.submit(bytes, bytes: bytes.readableBytes)) { return failure }
            case .persist(let sequence, let lineage, _):
                pendingPersist = (sequence, lineage)
                startPendingWrite()
            case .completeUpdate(let id, let outcome):
                waitingTools.removeValue(forKey: id)?(.outcome(outcome))
            case .computeTransition(let cib, let version):
                computeTransition(cib, version: version)
            case .executeLocally(let transitionID, let action, let key):
                if controller.isDC { logDispatch(action, on: configuration.node, transitionID: transitionID) }
                let devices = action.operation == "stonith" ? FenceDevice.configured(in: controller.replication.document.cib.xml) : []
                let runner = runner
                Task { await runner.run(transitionID: transitionID, action: action, transitionKey: key, devices: devices) }
            case .scheduleTimer(let at):
                let due = origin + .nanoseconds(at.nanoseconds)
                let sink = sink
                Task {
                    try? await Task.sleep(until: due, clock: .continuous)
                    sink.yield(.event(.timerFired))
                }
            case .notice(let text):
                logNotice(text)
            case .shutdownComplete:
                log.notice("shutdown complete node=\(configuration.nodeName)")
                exit = .stop
            }
        }
        return exit
    }

    /// Starts a clean shutdown: the DC stops this node's resources first. Without a DC there is nobody to ask
    /// and nothing is scheduled here, so the crmd stops at once.
    mutating func shutDown() async -> LoopExit? {
        guard controller.replication.dc != nil, controller.replication.view?.isQuorate == true else {
            log.notice("shutdown requested node=\(configuration.nodeName) dc=none: stopping at once")
            return .stop
        }
        log.notice("shutdown requested node=\(configuration.nodeName)")
        let sink = sink
        let timeout = configuration.shutdownTimeout
        Task {
            try? await Task.sleep(for: timeout)
            sink.yield(.shutdownTimedOut)
        }
        let directives = controller.requestShutdown(epochSeconds: Int(time(nil)), at: now)
        return await carryOut(directives)
    }

    /// Starts the newest pending write when the writer is idle: the CIB is serialized once per write, however
    /// many updates came while the previous one was on its way (its sequence covers them all).
    mutating func startPendingWrite() {
        guard !isWriting, let pending = pendingPersist else { return }
        pendingPersist = nil
        currentPersist = pending
        isWriting = true
        let document = controller.replication.document
        writer.enqueue(
            PersistWriter.Job(
                sequence: pending.sequence, snapshot: document.snapshot(), lineage: pending.lineage,
                version: document.version))
    }

    /// Hands messages the send window released to the heartbeat daemon.
    func send(_ messages: [ByteBuffer]) async -> LoopExit? {
        for message in messages {
            do {
                try await connection.send(message, to: Self.group)
            } catch {
                return .failure("cannot send to the heartbeat daemon: \(error)")
            }
        }
        return nil
    }

    /// Runs the policy engine off the loop and reports the graph.
    func computeTransition(_ cib: String, version: CIBVersion) {
        let sink = sink
        Task {
            do {
                let graph = try await NIOThreadPool.singleton.runIfActive { () throws -> ExecutableGraph in
                    try Self.schedule(cib)
                }
                sink.yield(.event(.graphComputed(graph, version: version)))
            } catch {
                sink.yield(.event(.policyFailed("\(error)", version: version)))
            }
        }
    }

    /// The policy engine on a CIB's text, at the current wall-clock time.
    static func schedule(_ cib: String) throws -> ExecutableGraph {
        let document = try XMLDocument.parse(cib, source: "<replicated CIB>")
        let result = try PolicyEngine.schedule(cib: document.root, now: Int(time(nil)))
        return try ExecutableGraph.parse(result.graph.xml(), source: "<transition graph>")
    }
}

extension ControllerLoop {
    /// Answers a tool: queries at once from this replica, updates once the DC decided them.
    mutating func serve(_ request: CRMDRequest, peer: CRMDPeer, reply: @escaping @Sendable (CRMDResponse) -> Void) async
        -> LoopExit?
    {
        switch request {
        case .ping:
            let view = controller.replication.view
            reply(
                .pong(
                    node: configuration.nodeName, dc: controller.replication.dc.map(name),
                    isQuorate: view?.isQuorate ?? false, view: view?.id.rawValue ?? 0))
        case .query(let target, let requested):
            let user = peer.isPrivileged ? requested : peer.user
            do {
                let elements = try controller.replication.document.cib.query(
                    target, user: user, groups: user.map(CIBSession.groups(of:)) ?? [])
                reply(.elements(elements.map { $0.serialized() }))
            } catch {
                reply(.failure(exitCode: Int(error.exitCode.rawValue), message: error.description))
            }
        case .update(let body):
            let text: String
            do {
                let decoded = try CIBUpdateBody.decodeAll(body)
                // A privileged peer may name the user to act as; without one, a peer ACLs never apply to (root,
                // hacluster) is named anyway, so the CIB records who made the change (`update-user`).
                let unnamed = CIBAccessControl.isSubject(peer.user) ? nil : peer.user
                text = try CIBUpdateBody.encode(
                    decoded.request, user: peer.isPrivileged ? decoded.user ?? unnamed : peer.user,
                    client: decoded.client)
            } catch {
                reply(.failure(exitCode: Int(error.exitCode.rawValue), message: error.description))
                return nil
            }
            let (id, directives) = controller.submitToolUpdate(text)
            waitingTools[id] = reply
            logTransitionStart()
            return await carryOut(directives)
        }
        return nil
    }
}

extension ControllerLoop {
    func logDispatch(_ action: GraphAction, on node: NodeID, transitionID: Int) {
        if action.kind == .cluster, action.operation == "stonith" {
            log.notice("fencing requested target=\(action.node ?? "?") executor=\(name(node)) transition=\(transitionID)")
        } else {
            log.notice("action dispatched op=\(action.operationKey) node=\(name(node)) transition=\(transitionID)")
        }
    }

    func logLocalResult(_ event: Controller.Event) {
        switch event {
        case .localActionFinished(let transitionID, let action, _, let result):
            if action.kind == .cluster, action.operation == "stonith" {
                let verdict = result.status == .done && result.rc == 0 ? "succeeded" : "failed"
                log.notice(
                    "fencing \(verdict) target=\(action.node ?? "?") rc=\(result.rc) status=\(result.status)"
                        + (result.exitReason.isEmpty ? "" : " reason=\"\(result.exitReason)\""))
            } else {
                log.notice(
                    "action finished op=\(action.operationKey) node=\(configuration.nodeName) rc=\(result.rc) "
                        + "status=\(result.status) transition=\(transitionID)"
                        + (result.exitReason.isEmpty ? "" : " reason=\"\(result.exitReason)\""))
            }
        case .localResultReported(let action, let result):
            log.notice(
                "recurring result op=\(action.operationKey) node=\(configuration.nodeName) rc=\(result.rc) "
                    + "status=\(result.status)")
        default:
            break
        }
    }

    mutating func logTransitionStart() {
        guard controller.isDC, controller.engine.isRunning, let graph = controller.engine.graph,
            graph.transitionID != loggedTransition
        else { return }
        loggedTransition = graph.transitionID
        let actions = graph.synapses.flatMap(\.actions).filter { $0.kind != .pseudo }.count
        log.notice("transition started id=\(graph.transitionID) actions=\(actions)")
    }

    /// The controller's notices, in the stable forms where there is one.
    func logNotice(_ text: String) {
        if text.hasPrefix("DC elected: ") {
            let view = controller.replication.view?.id
            let viewText = view.map { "\($0.epoch).\($0.rawValue & 0xffff_ffff)" } ?? "?"
            log.notice("dc elected dc=\(text.dropFirst("DC elected: ".count)) view=\(viewText)")
        } else if text.hasPrefix("transition "), let range = text.range(of: " finished: ") {
            let id = text.dropFirst("transition ".count).prefix(while: { $0 != " " })
            log.notice("transition finished id=\(id) outcome=\"\(text[range.upperBound...])\"")
        } else if text.hasPrefix("node fenced: ") {
            log.notice("fencing confirmed target=\(text.dropFirst("node fenced: ".count))")
        } else {
            log.notice(text)
        }
    }
}
