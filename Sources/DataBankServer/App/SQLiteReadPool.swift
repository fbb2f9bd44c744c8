import FluentSQLiteDriver
import NIOCore
import NIOPosix
import Vapor

/// Read-only SQLite connections for the hot read path (the token check with the access epoch, and
/// records), beside the one read-write connection per event loop that fluent-sqlite-driver keeps.
///
/// fluent-sqlite-driver holds ONE connection per event loop, so every read waited behind the
/// statements before it on that loop — and behind the audit group commit's transaction, which
/// holds its connection from `UPDATE audit_head` to `COMMIT`. In WAL mode readers never wait for
/// the writer and each statement reads the last committed state, so a read here sees every write
/// committed before it began (a revocation included: the access epoch is read here too).
/// The connections run `PRAGMA query_only`, on threads of their own (a commit's checkpoint on the
/// shared blocking pool does not hold them up).
// @unchecked: AsyncKit's pools are not marked Sendable, but take their lock (group) or hop to their
// event loop (per loop) on every call.
final class SQLiteReadPool: @unchecked Sendable {
    /// Opens each connection with the serving pragmas (not the journal mode, which is the file's).
    struct Source: ConnectionPoolSource, Sendable {
        let path: String
        let threadPool: NIOThreadPool
        let pragmas: [String]

        func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
            let pragmas = pragmas
            return SQLiteConnection.open(storage: .file(path: path), threadPool: threadPool, logger: logger, on: eventLoop).flatMap { conn in
                pragmas.reduce(eventLoop.makeSucceededVoidFuture()) { done, pragma in
                    done.flatMap { conn.query(pragma).map { _ in } }
                }.map { conn }.flatMapErrorThrowing { error -> SQLiteConnection in
                    _ = conn.close()
                    throw error
                }
            }
        }
    }

    /// The pool's connections as one `SQLiteDatabase`, bound to one event loop's share of them.
    fileprivate struct PooledDatabase: SQLiteDatabase, @unchecked Sendable {
        let pool: EventLoopConnectionPool<Source>
        let logger: Logger
        var eventLoop: any EventLoop { pool.eventLoop }

        func withConnection<T>(_ closure: @escaping @Sendable (SQLiteConnection) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
            pool.withConnection(logger: logger) { closure($0) }
        }

        func query(_ query: String, _ binds: [SQLiteData], logger: Logger, _ onRow: @escaping @Sendable (SQLiteRow) -> Void) -> EventLoopFuture<Void> {
            withConnection { $0.query(query, binds, logger: logger, onRow) }
        }

        /// The statement stepped on the connection's thread, rows handed over there (SQLiteNIO's
        /// futures variant submits one event-loop task per row; SQLKit's callers collect rows in
        /// order and read them after the call returns, as on the read-write connection).
        func query(_ query: String, _ binds: [SQLiteData], _ onRow: @escaping @Sendable (SQLiteRow) -> Void) async throws {
            try await withConnection { try await $0.query(query, binds, onRow) }
        }

        /// A connection for `closure`, in the caller's task: the protocol's default runs the closure
        /// in a new task per call.
        func withConnection<T>(_ closure: @escaping @Sendable (SQLiteConnection) async throws -> T) async throws -> T {
            let connection = try await pool.requestConnection(logger: logger).get()
            do {
                let result = try await closure(connection)
                pool.releaseConnection(connection, logger: logger)
                return result
            } catch {
                pool.releaseConnection(connection, logger: logger)
                throw error
            }
        }
    }

    private let pool: EventLoopGroupConnectionPool<Source>
    private let threadPool: NIOThreadPool
    /// The same file's C-API handles, whose kept statements serve ``RecordTextRows``.
    let direct: SQLiteDirectReads?

    /// `perEventLoop` connections on each of `group`'s loops, served by as many threads in all.
    init(path: String, settings: Settings, perEventLoop: Int, group: any EventLoopGroup, timeout: TimeAmount, direct: SQLiteDirectReads?) {
        self.direct = direct
        let loops = Array(group.makeIterator()).count
        threadPool = NIOThreadPool(numberOfThreads: max(1, perEventLoop * loops))
        threadPool.start()
        let pragmas = SQLiteTuning.readerPragmas(settings)
        pool = EventLoopGroupConnectionPool(
            source: Source(path: path, threadPool: threadPool, pragmas: pragmas), maxConnectionsPerEventLoop: perEventLoop,
            requestTimeout: timeout, on: group)
    }

    /// The read connections of `eventLoop`, through SQLKit (statements logged at trace, as the main
    /// ones) and as an `SQLiteDatabase`, so ``RecordTextRows`` steps rows on the connection's thread.
    func sql(on eventLoop: any EventLoop, logger: Logger) -> any SQLDatabase {
        let pooled = PooledDatabase(pool: pool.pool(for: eventLoop), logger: logger)
        return ReadDatabase(sqlite: pooled, sql: pooled.sql(queryLogLevel: .trace), direct: direct)
    }

    /// Both faces of the pool's connections, as `_FluentSQLiteDatabase` is for the read-write one:
    /// SQLKit's statements go through SQLiteKit's wrapper, the fast row reader through the pool.
    struct ReadDatabase: SQLDatabase, SQLiteDatabase {
        fileprivate let sqlite: PooledDatabase
        let sql: any SQLDatabase
        /// Where ``RecordTextRows`` steps its statements, kept prepared, when the file has C-API handles.
        let direct: SQLiteDirectReads?

        var logger: Logger { sqlite.logger }
        var eventLoop: any EventLoop { sqlite.eventLoop }
        var version: (any SQLDatabaseReportedVersion)? { sql.version }
        var dialect: any SQLDialect { sql.dialect }
        var queryLogLevel: Logger.Level? { sql.queryLogLevel }

        func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
            sql.execute(sql: query, onRow)
        }

        func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
            try await sql.execute(sql: query, onRow)
        }

        func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
            try await sql.withSession(closure)
        }

        func query(_ query: String, _ binds: [SQLiteData], logger: Logger, _ onRow: @escaping @Sendable (SQLiteRow) -> Void) -> EventLoopFuture<Void> {
            sqlite.query(query, binds, logger: logger, onRow)
        }

        func withConnection<T>(_ closure: @escaping @Sendable (SQLiteConnection) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
            sqlite.withConnection(closure)
        }

        func query(_ query: String, _ binds: [SQLiteData], _ onRow: @escaping @Sendable (SQLiteRow) -> Void) async throws {
            try await sqlite.query(query, binds, onRow)
        }

        func withConnection<T>(_ closure: @escaping @Sendable (SQLiteConnection) async throws -> T) async throws -> T {
            try await sqlite.withConnection(closure)
        }
    }

    func shutdown() async {
        try? await pool.shutdownAsync()
        try? await threadPool.shutdownGracefully()
    }

    /// Closes the pool when the application stops.
    struct Lifecycle: LifecycleHandler {
        func shutdownAsync(_ application: Application) async {
            await application.sqliteReadPool?.shutdown()
        }
    }
}

extension Application {
    private struct SQLiteReadPoolKey: StorageKey { typealias Value = SQLiteReadPool }

    /// Set by ``configure(_:settings:)`` for a SQLite file with read connections configured; nil otherwise.
    var sqliteReadPool: SQLiteReadPool? {
        get { storage[SQLiteReadPoolKey.self] }
        set { storage[SQLiteReadPoolKey.self] = newValue }
    }
}

extension Request {
    /// Where a request's read-only statements go: the SQLite read pool when there is one, else the
    /// request's database (PostgreSQL pools several connections per event loop already).
    /// Never for a statement that writes, nor one that must see this request's uncommitted writes.
    var readSQL: any SQLDatabase {
        guard let pool = application.sqliteReadPool else { return database.sql }
        return pool.sql(on: eventLoop, logger: logger)
    }
}
