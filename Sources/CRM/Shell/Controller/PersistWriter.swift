import Membership
import Messaging
import NIOPosix
import Synchronization

/// Writes the replica in the background, newest first: writes asked for while one is on its way are
/// coalesced into the latest (its `.persisted(sequence:)` covers the earlier ones, as the controller allows).
final class PersistWriter: Sendable {
    struct Job: Sendable {
        var sequence: UInt64
        var snapshot: String
        var lineage: CIBLineage
        var version: CIBVersion
    }

    let store: CIBReplicaStore
    let latest = Mutex<Job?>(nil)
    let wakeups: AsyncStream<Void>
    let wake: AsyncStream<Void>.Continuation

    init(store: CIBReplicaStore) {
        self.store = store
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues a write.
    func enqueue(_ job: Job) {
        latest.withLock { $0 = job }
        wake.yield()
    }

    /// Writes until `stop()`; reports each finished write, logs failures (the write is not reported then, so
    /// nothing it carries is acknowledged).
    func run(
        initialVersion: CIBVersion, report: @escaping @Sendable (UInt64) -> Void,
        fail: @escaping @Sendable (String) -> Void
    ) async {
        var previous = initialVersion
        for await _ in wakeups {
            guard let job = latest.withLock({ job -> Job? in
                defer { job = nil }
                return job
            }) else { continue }
            let store = store
            let before = previous
            do {
                let version = try await NIOThreadPool.singleton.runIfActive { () throws -> CIBVersion in
                    do {
                        return try store.save(
                            snapshot: job.snapshot, lineage: job.lineage, previous: before, version: job.version)
                    } catch {
                        throw PersistFailure(description: "\(error)")
                    }
                }
                previous = version
                report(job.sequence)
            } catch {
                fail("cannot write the CIB replica to \(store.directory.path): \(error)")
            }
        }
    }

    /// Ends `run`.
    func stop() { wake.finish() }
}

struct PersistFailure: Error, CustomStringConvertible {
    var description: String
}
