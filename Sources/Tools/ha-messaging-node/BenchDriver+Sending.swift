import Messaging
import NIOCore

extension BenchDriver {
    func makePayload(_ kind: Kind) -> ByteBuffer {
        sequence += 1
        var buffer = ByteBuffer()
        buffer.reserveCapacity(size)
        buffer.writeInteger(kind.rawValue)
        buffer.writeInteger(sequence)
        buffer.writeInteger(Int64(NIODeadline.now().uptimeNanoseconds))
        buffer.writeRepeatingByte(0x5A, count: size - buffer.readableBytes)
        return buffer
    }

    /// Submits a coordination message, waiting for window room if needed.
    func submit(_ kind: Kind) {
        guard let node else { return }
        do {
            try node.submitOnLoop(makePayload(kind))
        } catch {
            node.whenWritableOnLoop { self.submit(kind) }
        }
    }

    /// Sends `kind` as fast as flow control allows until `deadline` (or the STOP message), then END for data.
    func pump(_ kind: Kind, until deadline: NIODeadline?) {
        guard let node else { return }
        var sent = 0
        while phase != .stop {
            if sent % 64 == 0, let deadline, NIODeadline.now() >= deadline {
                if kind == .data { submit(.end) }
                return
            }
            do {
                try node.submitOnLoop(makePayload(kind))
                sent += 1
            } catch {
                node.whenWritableOnLoop { self.pump(kind, until: deadline) }
                return
            }
        }
    }

    /// Node 1 sends 100 timestamped probes per second for `latencySeconds`, then `next`.
    func probe(into latencies: ReferenceWritableKeyPath<BenchDriver, [Int64]>, then next: Kind) {
        guard let node else { return }
        phase = next == .stop ? .startFlood : .startLatency
        probesRemaining = latencySeconds * 100
        probeTask = node.dataLoop.scheduleRepeatedTask(initialDelay: .milliseconds(10), delay: .milliseconds(10)) {
            task in
            guard self.probesRemaining > 0 else {
                task.cancel()
                self.submit(next)
                return
            }
            self.probesRemaining -= 1
            self.submit(.probe)
        }
    }

    /// NODE and LATENCY lines for the parent to aggregate.
    func report(rssKB: Int, hwmKB: Int) -> String {
        let window = zip(firstData, lastEnd).map { Double(($1 - $0).nanoseconds) / 1e9 } ?? 0
        var lines = "NODE id=\(local) messages=\(messages) secs=\(Self.milliseconds(window)) "
            + "hash=\(String(hash, radix: 16)) rss_kb=\(rssKB) hwm_kb=\(hwmKB)\n"
        if local == prober {
            lines += Self.latencyLine("idle", idleLatencies, extra: "") + "\n"
            let floodSeconds = floodStarted.map { Double((NIODeadline.now() - $0).nanoseconds) / 1e9 } ?? 0
            let load = floodSeconds > 0 ? Double(floodDelivered) / floodSeconds : 0
            lines += Self.latencyLine("flood", floodLatencies, extra: " load_msgs_per_s=\(Int(load))")
        }
        return lines
    }

    /// Seconds with three decimals, without Foundation's `String(format:)`.
    static func milliseconds(_ seconds: Double) -> String {
        let total = Int((seconds * 1000).rounded())
        let fraction = String(total % 1000)
        return "\(total / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    static func latencyLine(_ phase: String, _ samples: [Int64], extra: String) -> String {
        let sorted = samples.sorted()
        func rank(_ percentile: Double) -> Int64 {
            guard !sorted.isEmpty else { return 0 }
            let index = Int((percentile * Double(sorted.count)).rounded(.up)) - 1
            return sorted[max(0, min(sorted.count - 1, index))]
        }
        return "LATENCY phase=\(phase) samples=\(sorted.count) p50_us=\(rank(0.5)) p99_us=\(rank(0.99)) "
            + "max_us=\(sorted.last ?? 0)\(extra)"
    }
}

private func zip<A, B>(_ first: A?, _ second: B?) -> (A, B)? {
    guard let first, let second else { return nil }
    return (first, second)
}
