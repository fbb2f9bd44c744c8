@testable import DataBankServer
import Fluent
import FluentSQLiteDriver
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor

/// A writer that waits for another connection's lock spins on its thread (SQLiteNIO retries at once);
/// each application's SQLite connections have threads of their own, so that never stops another.
@Suite("SQLite threads")
struct SQLiteThreadsTests {
    @Test func aWriterWaitingForALockHoldsUpNoOtherApplication() async throws {
        guard System.coreCount >= 2 else { return }  // two connections need two event loops
        var apps: [Application] = []
        var holders: [Task<Void, any Error>] = []
        var waiters: [Task<Void, any Error>] = []
        let released = ReleaseSignal()
        // As many applications as NIO's shared pool has threads, each with one writer waiting on another.
        for _ in 0..<System.coreCount {
            let app = try await Self.memoryApp()
            apps.append(app)
            let loops = Array(app.eventLoopGroup.makeIterator())
            let holder = try #require(app.databases.database(logger: app.logger, on: loops[0]) as? any SQLDatabase)
            let waiter = try #require(app.databases.database(logger: app.logger, on: loops[1]) as? any SQLDatabase)
            try await holder.raw("CREATE TABLE t (x INTEGER)").run()
            let (locked, lockedOnce) = AsyncStream<Void>.makeStream()
            holders.append(
                Task {
                    try await holder.withSession { conn in
                        try await conn.raw("BEGIN IMMEDIATE").run()
                        try await conn.raw("INSERT INTO t VALUES (1)").run()
                        lockedOnce.yield()
                        await released.wait()
                        try await conn.raw("COMMIT").run()
                    }
                })
            for await _ in locked { break }
            waiters.append(Task { try await waiter.raw("INSERT INTO t VALUES (2)").run() })
        }
        try await Task.sleep(for: .milliseconds(300))  // the waiters are spinning on their threads now

        let probe = try await Self.memoryApp()
        let answered = try await Self.within(seconds: 20) { try await probe.db.sql.raw("SELECT 1 AS one").all().count }
        #expect(answered == 1, "another application's query ran while writers waited elsewhere")

        await released.open()
        for task in holders + waiters { try await task.value }
        for app in apps { #expect(try await app.db.sql.raw("SELECT x FROM t").all().count == 2) }
        for app in apps + [probe] { try await app.asyncShutdown() }
    }

    static func memoryApp() async throws -> Application {
        let app = try await Application.make(.testing)
        try await configure(app, settings: Settings(database: .sqliteMemory))
        return app
    }

    /// `body`'s result, or nil when it has not answered within `seconds` (left running: a hung query
    /// cannot be cancelled, and the test must still end).
    static func within<T: Sendable>(seconds: Int, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        let first = FirstAnswer<T>()
        return try await withCheckedThrowingContinuation { continuation in
            first.set(continuation)
            Task {
                do { first.answer(.success(try await body())) } catch { first.answer(.failure(error)) }
            }
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                first.answer(.success(nil))
            }
        }
    }
}

/// Resumes a continuation with whichever answer comes first.
private final class FirstAnswer<T: Sendable>: Sendable {
    private let state = NIOLockedValueBox<(CheckedContinuation<T?, any Error>?, Bool)>((nil, false))
    func set(_ continuation: CheckedContinuation<T?, any Error>) { state.withLockedValue { $0.0 = continuation } }
    func answer(_ result: Result<T?, any Error>) {
        let continuation: CheckedContinuation<T?, any Error>? = state.withLockedValue {
            guard !$0.1 else { return nil }
            $0.1 = true
            return $0.0
        }
        continuation?.resume(with: result)
    }
}

/// Lets every holder wait for one release.
private actor ReleaseSignal {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }
    func open() {
        isOpen = true
        for continuation in waiting { continuation.resume() }
        waiting = []
    }
}
