import Fluent
import SQLKit
import Vapor

/// Per-connection SQLite settings, applied once the app boots, to the one connection each
/// event loop's pool holds.
///
/// - WAL journal: readers never wait for a writer, and a load that is killed leaves the
///   committed batches and nothing else.
/// - `synchronous = NORMAL` in WAL: a commit is durable against a process crash (SIGKILL),
///   which is what crash safety asks; only power loss can roll back the last commits.
/// - `busy_timeout`: a connection that finds the write lock taken (a `databank load` in another
///   process writing its batches) sleeps in SQLite's own busy handler (1, 2, 5 … 100 ms) instead of
///   SQLiteNIO's, which retries at once and forever: the warning evaluator's cursor write spun a
///   whole core on the lock while a load ran beside it — 72 % of its CPU — and took it from the load
///   (docs/PERFORMANCE.md, "Early warnings at ingest"). Two minutes, then the write fails as locked.
/// - A 64 MiB page cache and memory-mapped reads: on a 50,000-resource catalog the default
///   2 MiB cache re-read the search indexes from the kernel on every query (p99 110 ms →
///   see docs/PERFORMANCE.md). Pages are only resident once read, so idle RSS is unchanged.
struct SQLiteTuning: LifecycleHandler {
    /// How long a write waits for another connection's lock, sleeping, before it fails as locked.
    static let busyTimeoutMs = 120_000

    static func pragmas(_ s: Settings) -> [String] {
        [
            "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA cache_size = -\(s.sqliteCacheMiB * 1024)",
            "PRAGMA mmap_size = \(s.sqliteMmapMiB * 1_048_576)", "PRAGMA temp_store = MEMORY",
            "PRAGMA wal_autocheckpoint = \(s.sqliteWalAutocheckpoint)", "PRAGMA busy_timeout = \(busyTimeoutMs)"
        ]
    }

    /// What a read-only connection runs when it opens: `query_only` and the serving pragmas, not
    /// the journal mode or checkpointing, which are the file's and the writer's.
    static func readerPragmas(_ s: Settings) -> [String] {
        ["PRAGMA query_only = 1"] + pragmas(s).filter { !$0.contains("journal_mode") && !$0.contains("wal_autocheckpoint") }
    }

    func didBootAsync(_ app: Application) async throws {
        guard case .sqliteFile = app.settings.database else { return }
        let pragmas = Self.pragmas(app.settings)
        for eventLoop in app.eventLoopGroup.makeIterator() {
            guard let sql = app.databases.database(logger: app.logger, on: eventLoop) as? any SQLDatabase else { continue }
            for pragma in pragmas { try await sql.raw("\(unsafeRaw: pragma)").run() }
        }
    }
}
