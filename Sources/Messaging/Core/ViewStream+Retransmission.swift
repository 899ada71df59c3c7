import NIOCore

extension ViewStream {
    /// Most units resent in answer to one NACK, so a request cannot make us flood.
    static let maximumAnswer: UInt64 = 1024

    /// Our progress, multicast periodically while anything is unstable and eagerly as deliveries advance.
    mutating func statusFrame() -> Frame {
        isStatusDue = false
        reportedDelivered = delivered
        return .status(
            StatusReport(
                view: view.id, highestSent: ownNext - 1,
                highestOrdered: isSequencer ? nextGlobal - 1 : highestOrderKnown, delivered: delivered))
    }

    /// Whether peers need our status: something is unstable or we delivered since the last report.
    var needsStatus: Bool {
        isStatusDue || stable < Swift.max(highestOrderKnown, delivered) || ownUnstable > 0
    }

    /// Asks senders for missing units and the sequencer for missing order, at most once per interval each.
    mutating func requestMissing(at now: Instant, interval: Duration, into output: inout Output) {
        for node in senders.keys.sorted() where node != local.node {
            guard let highest = senders[node]?.highestKnown, let contiguous = senders[node]?.contiguous,
                let lastNack = senders[node]?.lastNack, highest > contiguous, now - lastNack >= interval
            else { continue }
            let ranges = Self.gaps(from: contiguous + 1, to: highest) { senders[node]?.units[$0] != nil }
            senders[node]?.lastNack = now
            output.unicast[node, default: []].append(.nack(Nack(view: view.id, target: .sender(node), ranges: ranges)))
        }
        if !isSequencer, highestOrderKnown > orderContiguous, now - lastOrderNack >= interval,
            let sequencer = view.sequencer?.node
        {
            lastOrderNack = now
            let ranges = Self.gaps(from: orderContiguous + 1, to: highestOrderKnown) { slot($0) != nil }
            output.unicast[sequencer, default: []].append(.nack(Nack(view: view.id, target: .global, ranges: ranges)))
        }
    }

    /// Missing numbers in `first...last` as at most `Nack.maximumRanges` ranges.
    static func gaps(from first: UInt64, to last: UInt64, isPresent: (UInt64) -> Bool) -> [ClosedRange<UInt64>] {
        var ranges: [ClosedRange<UInt64>] = []
        var number = first
        let end = Swift.min(last, first + 4 * maximumAnswer)
        while number <= end, ranges.count < Nack.maximumRanges {
            if isPresent(number) {
                number += 1
                continue
            }
            let start = number
            while number <= end, !isPresent(number) { number += 1 }
            ranges.append(start...(number - 1))
        }
        return ranges
    }

    /// Resends what a member asked for, from whatever we hold.
    func answer(_ nack: Nack, from requester: NodeID, into output: inout Output) {
        var frames: [Frame] = []
        var budget = Self.maximumAnswer
        for range in nack.ranges {
            var number = range.lowerBound
            while number <= range.upperBound, budget > 0 {
                defer { number += 1 }
                switch nack.target {
                case .sender(let node):
                    if let unit = senders[node]?.units[number] {
                        frames.append(.data(unit))
                        budget -= 1
                    }
                case .global:
                    if let slot = slot(number), let unit = senders[slot.sender]?.units[slot.sequence] {
                        let run = OrderRecord.Run(sender: slot.sender, firstSequence: slot.sequence, count: 1)
                        frames.append(.order(OrderRecord(view: view.id, firstGlobal: number, runs: [run])))
                        frames.append(.data(unit))
                        budget -= 1
                    }
                }
            }
        }
        if !frames.isEmpty { output.unicast[requester, default: []] += frames }
    }
}

extension GroupMessaging {
    mutating func tick(at now: Instant, into output: inout Output) {
        if var stream = takeOperational() {
            stream.requestMissing(at: now, interval: configuration.retransmitInterval, into: &output)
            if stream.needsStatus { output.multicast.append(stream.statusFrame()) }
            phase = .operational(stream)
            return
        }
        switch phase {
        case .waiting, .operational:
            break
        case .flushing(let flush):
            if let cut = flush.cut, let source = flush.source, source != local.node, flush.old.delivered < cut {
                let ranges = ViewStream.gaps(from: flush.old.delivered + 1, to: cut) { number in
                    guard let slot = flush.old.slot(number) else { return false }
                    return flush.old.senders[slot.sender]?.units[slot.sequence] != nil
                }
                output.unicast[source, default: []].append(
                    .nack(Nack(view: flush.old.view.id, target: .global, ranges: ranges)))
            }
            sendFlushRequests(into: &output)
        }
    }

    /// Reports status without waiting for the tick once a quarter window was delivered, so senders' windows
    /// reopen under load.
    mutating func reportEagerly(into output: inout Output) {
        guard case .operational(let current) = phase,
            current.delivered - current.reportedDelivered >= UInt64(Swift.max(1, configuration.window / 4)),
            var stream = takeOperational()
        else { return }
        output.multicast.append(stream.statusFrame())
        phase = .operational(stream)
    }
}
