import Fluent
import NIOConcurrencyHelpers
import Vapor

/// Group commit of audit entries: concurrent requests queue their entries and one writer appends
/// whatever is queued in one transaction (the chain computed in queue order under the head's lock),
/// then resumes every waiter. A waiter resumes only once its entry's transaction committed — or
/// with the batch's error — so no answer leaves before its entry is durable, and a failed write
/// fails every request of its batch.
///
/// A request that finds no writer at work becomes the writer itself: it appends its own entry with
/// whatever is queued, in its own task (one request at a time pays no hop to another task), and
/// hands the rest of the queue to a writer task before it answers. Requests arriving meanwhile
/// queue; under load the per-transaction cost (the head's row lock, the commit) is shared.
///
/// On PostgreSQL a batch after the first is written after the head the previous one left, in one
/// statement that moves the head only if it is still that one (``AuditLog/appendBatch(_:after:on:trail:)``):
/// `BEGIN`, that statement, `COMMIT` — three round trips instead of five or more. When another
/// writer moved the head, nothing is written and the batch claims the head as before.
final class AuditGroupCommit: Sendable {
    /// Entries per transaction at most (unless one request's run alone is longer): keeps the bound
    /// parameters of one INSERT far below either database's limit and a batch's lock short. (The statistics
    /// go in statements of ``ExchangeStats/rowsPerStatement`` rows, whatever the batch.)
    static let maxBatch = 500

    /// A request's entries (one, or a joint check's run: consecutive in the chain), and who waits for them.
    private struct Waiter {
        let drafts: [AuditLog.Draft]
        let continuation: CheckedContinuation<[AuditEntry], any Error>
    }

    private struct State {
        var queue: [Waiter] = []
        var writing = false
    }

    private let state = NIOLockedValueBox(State())

    /// The head this process's last batch left (PostgreSQL): the next batch is written after it in
    /// one statement, or — when another writer moved it — claims the head as usual. Only the writer
    /// at work (one at a time) reads and sets it.
    private let knownHead = NIOLockedValueBox<AuditLog.Head?>(nil)

    /// One batch, in one transaction: after the known head (PostgreSQL: `BEGIN`, one statement,
    /// `COMMIT`), else claiming the head (``AuditLog/appendBatchClaiming(_:on:trail:)``).
    private func write(_ drafts: [AuditLog.Draft], on db: any Database, trail: AuditTrail) async throws -> [AuditEntry] {
        if let known = knownHead.withLockedValue({ $0 }), RecordTables.Dialect(db.sql) == .postgres {
            knownHead.withLockedValue { $0 = nil }  // set again only by a batch that committed
            if let written = try await AuditLog.appendBatch(drafts, after: known, on: db, trail: trail) {
                knownHead.withLockedValue { $0 = written.head }
                return written.entries
            }
        }
        let (entries, head) = try await AuditLog.appendBatchClaiming(drafts, on: db, trail: trail)
        knownHead.withLockedValue { $0 = head }
        return entries
    }

    /// Appends `drafts` — itself when no writer is at work, else through the queue — consecutive in the chain
    /// and in one transaction, and returns their entries once the batch holding them committed.
    func append(_ drafts: [AuditLog.Draft], on db: any Database, trail: AuditTrail) async throws -> [AuditEntry] {
        guard !drafts.isEmpty else { return [] }
        let leads = state.withLockedValue { s -> Bool in
            if s.writing { return false }
            s.writing = true
            return true
        }
        guard leads else { return try await queue(drafts, on: db, trail: trail) }
        let others = state.withLockedValue { s in Self.take(from: &s.queue, besides: drafts.count) }
        let entries: [AuditEntry]
        do {
            entries = try await write(drafts + others.flatMap(\.drafts), on: db, trail: trail)
        } catch {
            for waiter in others { waiter.continuation.resume(throwing: error) }
            handOff(on: db, trail: trail)
            throw error
        }
        Self.resume(others, with: entries.dropFirst(drafts.count))
        handOff(on: db, trail: trail)
        return Array(entries.prefix(drafts.count))
    }

    /// The queue's first waiters whose entries fit in one batch beside `count` already taken (the first waiter
    /// always, whatever its size, when nothing is).
    private static func take(from queue: inout [Waiter], besides count: Int) -> [Waiter] {
        var n = 0, total = count
        while n < queue.count, total == 0 || total + queue[n].drafts.count <= maxBatch {
            total += queue[n].drafts.count
            n += 1
        }
        defer { queue.removeFirst(n) }
        return Array(queue.prefix(n))
    }

    /// Hands each waiter its entries, in the batch's order.
    private static func resume(_ waiters: [Waiter], with entries: ArraySlice<AuditEntry>) {
        var at = entries.startIndex
        for waiter in waiters {
            waiter.continuation.resume(returning: Array(entries[at..<at + waiter.drafts.count]))
            at += waiter.drafts.count
        }
    }

    /// After a request's own batch: a writer task takes what queued meanwhile, or writing stops.
    private func handOff(on db: any Database, trail: AuditTrail) {
        let more = state.withLockedValue { s -> Bool in
            if s.queue.isEmpty { s.writing = false; return false }
            return true
        }
        if more { Task { await self.drain(on: db, trail: trail) } }
    }

    /// Queues `drafts` for the writer at work (or starts one, if it stopped meanwhile).
    private func queue(_ drafts: [AuditLog.Draft], on db: any Database, trail: AuditTrail) async throws -> [AuditEntry] {
        try await withCheckedThrowingContinuation { continuation in
            let startWriter = state.withLockedValue { s -> Bool in
                s.queue.append(Waiter(drafts: drafts, continuation: continuation))
                if s.writing { return false }
                s.writing = true
                return true
            }
            if startWriter { Task { await self.drain(on: db, trail: trail) } }
        }
    }

    private func drain(on db: any Database, trail: AuditTrail) async {
        while true {
            let batch = state.withLockedValue { s -> [Waiter] in
                let batch = Self.take(from: &s.queue, besides: 0)
                if batch.isEmpty { s.writing = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                let entries = try await write(batch.flatMap(\.drafts), on: db, trail: trail)
                Self.resume(batch, with: entries[...])
            } catch {
                for waiter in batch { waiter.continuation.resume(throwing: error) }
            }
        }
    }
}
