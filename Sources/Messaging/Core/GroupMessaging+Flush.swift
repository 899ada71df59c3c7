import NIOCore

/// The flush between two views: survivors agree on a cut of the old view's order, deliver exactly up to it,
/// then deliver the new view. See Docs/Protocols/Messaging.md for the argument.
extension GroupMessaging {
    mutating func install(_ view: View, into output: inout Output) {
        guard view.contains(local), view.id > newestViewID else { return }
        if var stream = takeOperational() {
            _ = stream.report(for: view.id)
            stream.limitDelivery(target: view.id, cut: nil)
            phase = .flushing(Flush(old: stream, next: view))
        } else if case .flushing(var flush) = phase {
            // Retarget: the cut towards the superseded view no longer counts; every member reports again.
            phase = .waiting
            flush.next = view
            flush.cut = nil
            flush.source = nil
            _ = flush.old.report(for: view.id)
            flush.old.limitDelivery(target: view.id, cut: nil)
            phase = .flushing(flush)
        } else {
            start(view, into: &output)
            return
        }
        sendFlushRequests(into: &output)
        progressFlush(into: &output)
    }

    private mutating func start(_ view: View, into output: inout Output) {
        var stream = ViewStream(
            view: view, local: local, window: configuration.window, delivered: deliveredMessages)
        output.deliveries.append(.view(view))
        while let payload = queued.popFirst() { send(payload, on: &stream, into: &output) }
        phase = .operational(stream)
    }

    mutating func sendFlushRequests(into output: inout Output) {
        guard case .flushing(let flush) = phase else { return }
        let target = flush.next.id
        let report = FlushReport(
            oldView: flush.old.view.id, newView: target, complete: flush.old.givenReports[target] ?? 0,
            wantsReply: true, notMember: false)
        for node in flush.group where node != local.node && flush.old.peerReports[target]?[node] == nil {
            output.unicast[node, default: []].append(.flush(report))
        }
    }

    mutating func receiveFlush(_ report: FlushReport, from sender: Member, into output: inout Output) {
        let answer: UInt64?
        if var stream = takeOperational(view: report.oldView) {
            // A faster member flushes our view before Membership told us: stop delivering past our report.
            answer = stream.note(report, from: sender, target: nil)
            stream.limitDelivery(target: nil, cut: nil)
            phase = .operational(stream)
        } else if var flush = takeFlushing(oldView: report.oldView) {
            answer = flush.old.note(report, from: sender, target: flush.next.id)
            flush.old.limitDelivery(target: flush.next.id, cut: flush.cut)
            phase = .flushing(flush)
        } else if let old = retired.first(where: { $0.stream.view.id == report.oldView }) {
            // Closed here already: the cut we delivered up to is our report (unless we gave one for that target).
            answer = old.stream.givenReports[report.newView] ?? old.cut
        } else {
            answer = nil
            if report.wantsReply {
                let gone = FlushReport(
                    oldView: report.oldView, newView: report.newView, complete: 0, wantsReply: false, notMember: true)
                output.unicast[sender.node, default: []].append(.flush(gone))
            }
        }
        if report.wantsReply, let answer {
            let reply = FlushReport(
                oldView: report.oldView, newView: report.newView, complete: answer, wantsReply: false,
                notMember: false)
            output.unicast[sender.node, default: []].append(.flush(reply))
        }
    }

    /// Decides the cut once every group member reported for the target, delivers up to it, and finishes the flush.
    mutating func progressFlush(into output: inout Output) {
        guard case .flushing(var flush) = phase else { return }
        phase = .waiting
        let target = flush.next.id
        if flush.cut == nil {
            var reports = flush.old.peerReports[target] ?? [:]
            reports[local.node] = flush.old.givenReports[target]
            let group = flush.group
            if group.allSatisfy({ reports[$0] != nil }) {
                // Every member computes the same maximum (ties go to the lowest node id).
                let best = group.map { ($0, reports[$0] ?? 0) }.max { ($0.1, $1.0) < ($1.1, $0.0) }
                flush.cut = best?.1 ?? 0
                flush.source = best?.0
                flush.old.limitDelivery(target: target, cut: flush.cut)
            }
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
        let resend = old.ownMessages.filter { $0.lastSequence > old.ownDeliveredSequence }
        old.ownMessages.removeAll()
        for member in old.view.members {
            deliveredMessages[member] = Swift.max(deliveredMessages[member] ?? 0, old.lastMessage[member.node] ?? 0)
        }
        // A node back with a new incarnation is a new sender: its old numbers mean nothing any more.
        deliveredMessages = deliveredMessages.filter { entry in
            flush.next.incarnation(of: entry.key.node).map { $0 == entry.key.incarnation } ?? true
        }
        retired.append((old, cut))
        if retired.count > Self.retiredViews { retired.removeFirst() }
        var stream = ViewStream(
            view: flush.next, local: local, window: configuration.window, delivered: deliveredMessages)
        output.deliveries.append(.view(flush.next))
        for message in resend { send(message.payload, message: message.message, on: &stream, into: &output) }
        while let payload = queued.popFirst() { send(payload, on: &stream, into: &output) }
        phase = .operational(stream)
    }
}

extension GroupMessaging.Flush {
    /// The members of the old view that move to the next one in the same incarnation, less those that answered
    /// they do not hold the old view: they must agree on the cut.
    var group: [NodeID] {
        old.view.members.filter { next.contains($0) && !old.absent.contains($0.node) }.map(\.node)
    }
}

extension ViewStream {
    /// This member's flush report for closing the view towards `target`: the complete prefix it holds, given once
    /// and never changed, so every member that hears it counts the same number. Giving one stops ordering.
    mutating func report(for target: ViewID) -> UInt64 {
        if let given = givenReports[target] { return given }
        let value = completePrefix
        givenReports[target] = value
        isOrdering = false
        return value
    }

    /// Caps delivery at the decided cut (or our own report while it is undecided) for `target`, and at every
    /// report given for a later view: a member we told that number may still close this view towards it with us.
    mutating func limitDelivery(target: ViewID?, cut: UInt64?) {
        var limit = UInt64.max
        for (view, value) in givenReports where target.map({ view > $0 }) ?? true { limit = Swift.min(limit, value) }
        if let target { limit = Swift.min(limit, cut ?? givenReports[target] ?? .max) }
        deliveryLimit = limit
    }

    /// Records a member's flush report for this view; returns our own report when it asks for one we can give
    /// (nil: stay silent, it is flushing towards a view we have already moved past and will be told of ours).
    mutating func note(_ report: FlushReport, from sender: Member, target: ViewID?) -> UInt64? {
        guard view.contains(sender) else { return nil }
        if report.notMember {
            if let target, peerReports[target]?[sender.node] != nil { return nil }
            absent.insert(sender.node)
            return nil
        }
        if peerReports[report.newView]?[sender.node] == nil {
            peerReports[report.newView, default: [:]][sender.node] = report.complete
        }
        guard report.wantsReply, report.newView > view.id else { return nil }
        if let target, report.newView < target { return givenReports[report.newView] }
        return self.report(for: report.newView)
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
            let target = flush.next.id
            return "flushing \(flush.old.view.id)->\(target) group=\(flush.group) "
                + "given=\(flush.old.givenReports.sorted { $0.key < $1.key }) "
                + "reports=\((flush.old.peerReports[target] ?? [:]).sorted { $0.key < $1.key }) "
                + "absent=\(flush.old.absent.sorted()) cut=\(flush.cut.map { "\($0)" } ?? "-") "
                + "source=\(flush.source.map { "\($0)" } ?? "-") delivered=\(flush.old.delivered) "
                + "limit=\(flush.old.deliveryLimit) order=\(flush.old.orderContiguous)"
        }
    }
}
