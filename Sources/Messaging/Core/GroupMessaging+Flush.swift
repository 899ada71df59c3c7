import NIOCore

/// The flush between two views: survivors agree on a cut of the old view's order, deliver exactly up to it,
/// then deliver the new view. See Docs/Protocols/Messaging.md for the argument.
extension GroupMessaging {
    mutating func install(_ view: View, into output: inout Output) {
        guard view.contains(local) else { return }
        switch phase {
        case .waiting:
            start(view, into: &output)
        case .operational(var stream):
            guard view.id > stream.view.id else { return }
            phase = .waiting
            let frozen = stream.freeze()
            var reports = earlyReports
            earlyReports = [:]
            reports[local.node] = frozen
            phase = .flushing(
                Flush(old: stream, next: view, group: Self.group(old: stream.view, next: view), reports: reports))
            sendFlushRequests(into: &output)
        case .flushing(var flush):
            guard view.id > flush.next.id else { return }
            phase = .waiting
            flush.next = view
            flush.group = Self.group(old: flush.old.view, next: view)
            flush.reports = flush.reports.filter { flush.group.contains($0.key) }
            flush.cut = nil
            phase = .flushing(flush)
            sendFlushRequests(into: &output)
        }
        progressFlush(into: &output)
    }

    /// The members of `old` that move to `next` in the same incarnation: they must agree on the cut.
    static func group(old: View, next: View) -> Set<NodeID> {
        Set(old.members.filter { next.contains($0) }.map(\.node))
    }

    private mutating func start(_ view: View, into output: inout Output) {
        var stream = ViewStream(view: view, local: local, window: configuration.window)
        output.deliveries.append(.view(view))
        while let payload = queued.popFirst() { send(payload, on: &stream, into: &output) }
        phase = .operational(stream)
    }

    mutating func sendFlushRequests(into output: inout Output) {
        guard case .flushing(let flush) = phase else { return }
        let report = FlushReport(
            oldView: flush.old.view.id, newView: flush.next.id, complete: flush.reports[local.node] ?? 0,
            wantsReply: true, notMember: false)
        for node in flush.group.sorted() where node != local.node && flush.reports[node] == nil {
            output.unicast[node, default: []].append(.flush(report))
        }
    }

    mutating func receiveFlush(_ report: FlushReport, from sender: Member, into output: inout Output) {
        var reply: FlushReport?
        switch phase {
        case .flushing(var flush) where flush.old.view.id == report.oldView:
            phase = .waiting
            if flush.group.contains(sender.node) && flush.old.view.contains(sender) {
                if report.notMember {
                    flush.group.remove(sender.node)
                    if flush.source == sender.node {  // our source lost the view: decide again without it
                        flush.cut = nil
                        flush.source = nil
                        flush.old.deliveryLimit = Swift.max(flush.old.delivered, flush.reports[local.node] ?? 0)
                    }
                } else {
                    flush.reports[sender.node] = Swift.max(flush.reports[sender.node] ?? 0, report.complete)
                }
            }
            reply = FlushReport(
                oldView: report.oldView, newView: flush.next.id, complete: flush.reports[local.node] ?? 0,
                wantsReply: false, notMember: false)
            phase = .flushing(flush)
        case .operational(var stream)
        where stream.view.id == report.oldView && stream.view.contains(sender) && report.wantsReply:
            // A faster member flushes our view before Membership told us: stop delivering past our report.
            phase = .waiting
            let frozen = stream.freeze()
            if !report.notMember { earlyReports[sender.node] = report.complete }
            reply = FlushReport(
                oldView: report.oldView, newView: report.newView, complete: frozen, wantsReply: false,
                notMember: false)
            phase = .operational(stream)
        default:
            if let old = retired.first(where: { $0.stream.view.id == report.oldView }) {
                reply = FlushReport(
                    oldView: report.oldView, newView: report.newView, complete: old.cut, wantsReply: false,
                    notMember: false)
            } else {
                reply = FlushReport(
                    oldView: report.oldView, newView: report.newView, complete: 0, wantsReply: false,
                    notMember: true)
            }
        }
        if report.wantsReply, let reply { output.unicast[sender.node, default: []].append(.flush(reply)) }
    }

    /// Decides the cut once every group member reported, delivers up to it, and finishes the flush.
    mutating func progressFlush(into output: inout Output) {
        guard case .flushing(var flush) = phase else { return }
        phase = .waiting
        if flush.cut == nil, flush.group.isSubset(of: Set(flush.reports.keys)) {
            let best = flush.reports.filter { flush.group.contains($0.key) }
                .max { ($0.value, $1.key) < ($1.value, $0.key) }
            flush.cut = best?.value ?? 0
            flush.source = best?.key
            flush.old.deliveryLimit = flush.cut ?? 0
        }
        flush.old.deliverReady(into: &output.deliveries)
        guard let cut = flush.cut, flush.old.delivered >= cut else {
            phase = .flushing(flush)
            return
        }
        finish(flush, cut: cut, into: &output)
    }

    private mutating func finish(_ flush: Flush, cut: UInt64, into output: inout Output) {
        var old = flush.old
        let resend = old.ownMessages.filter { $0.lastSequence > old.ownDeliveredSequence }.map(\.payload)
        old.ownMessages.removeAll()
        retired.append((old, cut))
        if retired.count > Self.retiredViews { retired.removeFirst() }
        var stream = ViewStream(view: flush.next, local: local, window: configuration.window)
        output.deliveries.append(.view(flush.next))
        for payload in resend { send(payload, on: &stream, into: &output) }
        while let payload = queued.popFirst() { send(payload, on: &stream, into: &output) }
        phase = .operational(stream)
    }
}

extension ViewStream {
    /// Stops ordering and caps delivery at what this member holds; returns that cap (its flush report).
    mutating func freeze() -> UInt64 {
        if deliveryLimit == .max {
            deliveryLimit = completePrefix
            isOrdering = false
        }
        return deliveryLimit
    }
}

extension GroupMessaging {
    /// A one-line summary of the protocol state, for simulator traces and debugging (no payloads, no keys).
    public var stateSummary: String {
        switch phase {
        case .waiting:
            return "waiting queued=\(queued.count)"
        case .operational(let stream):
            return "operational \(stream.view.id) delivered=\(stream.delivered) order=\(stream.orderContiguous)"
                + "/\(stream.highestOrderKnown) stable=\(stream.stable) own=\(stream.ownNext - 1)"
        case .flushing(let flush):
            return "flushing \(flush.old.view.id)->\(flush.next.id) group=\(flush.group.sorted()) "
                + "reports=\(flush.reports.sorted { $0.key < $1.key }) cut=\(flush.cut.map { "\($0)" } ?? "-") "
                + "source=\(flush.source.map { "\($0)" } ?? "-") delivered=\(flush.old.delivered) "
                + "limit=\(flush.old.deliveryLimit) order=\(flush.old.orderContiguous)"
        }
    }
}
