import NIOConcurrencyHelpers
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO
import Vapor
// The C library SQLiteNIO itself links (a module of the sqlite-nio package): the handles here must
// use that same copy of SQLite, because a second copy in one process would keep its own POSIX
// lock table and could break the locking of a WAL database shared with SQLiteNIO's connections.
import VaporCSQLite

/// Read-only statements stepped on SQLite's C API, for the reads that move the most bytes (a whole
/// store as CSV), whose cells are copied straight from SQLite's buffers into the response.
///
/// SQLiteNIO hands every row over as an array of `SQLiteData` with a Swift `String` per text cell;
/// for a download that per-cell work, not SQLite, set the pace (a whole store, 150-byte rows:
/// ~15 MB/s against the `sqlite3` shell's ~90 MB/s, docs/PERFORMANCE.md). Here a row's cells are
/// byte ranges valid until the next step, and nothing is allocated per row.
///
/// Each handle is opened on the database file with `PRAGMA query_only` and the serving pragmas,
/// and is used by one statement at a time, on the application's blocking thread pool (so it is
/// opened without SQLite's per-call mutex, which cost a third of a download's time). In WAL
/// mode a statement sees every write committed before it began and never waits for the writer.
final class SQLiteDirectReads: Sendable {
    /// One `sqlite3*` connection and the statements prepared on it; closed when the last reference goes.
    final class Handle: @unchecked Sendable {
        let raw: OpaquePointer
        /// Statements kept prepared by their SQL text (``textRows(_:serializedFor:width:_:)``), used by
        /// the one thread that has the handle checked out.
        fileprivate var prepared: [String: OpaquePointer] = [:]
        init(raw: OpaquePointer) { self.raw = raw }
        deinit {
            for statement in prepared.values { sqlite_nio_sqlite3_finalize(statement) }
            sqlite_nio_sqlite3_close_v2(raw)
        }
    }

    /// Statements kept prepared per handle at most: the shapes of the hot reads (a store's point
    /// read and pages) are few; past this the handle starts over.
    static let maxPrepared = 64

    /// The current row of a statement: its cells as bytes, valid only inside the row callback.
    struct Row {
        fileprivate let statement: OpaquePointer

        /// Cell `index` as its UTF-8 text (numbers as SQLite prints them), or nil for NULL.
        func text(_ index: Int) -> UnsafeRawBufferPointer? {
            let i = Int32(index)
            // NULL is the only value without text (an empty string has a pointer to its terminator).
            guard let bytes = sqlite_nio_sqlite3_column_text(statement, i) else { return nil }
            return UnsafeRawBufferPointer(start: bytes, count: Int(sqlite_nio_sqlite3_column_bytes(statement, i)))
        }

        /// Cell `index` as a `String`, or nil for NULL.
        func string(_ index: Int) -> String? { text(index).map { String(decoding: $0, as: UTF8.self) } }

        /// Cell `index` as an integer (NULL and text that is not one: 0, as SQLite converts).
        func integer(_ index: Int) -> Int { Int(sqlite_nio_sqlite3_column_int64(statement, Int32(index))) }
    }

    private let path: String
    private let pragmas: [String]
    private let threadPool: NIOThreadPool
    private let idle = NIOLockedValueBox<[Handle]>([])
    private let keepIdle: Int

    init(path: String, settings: Settings, threadPool: NIOThreadPool, keepIdle: Int) {
        self.path = path
        self.pragmas = SQLiteTuning.readerPragmas(settings)
        self.threadPool = threadPool
        self.keepIdle = keepIdle
    }

    /// Runs `query` (serialised for `sql`'s dialect, binds bound) on a handle of its own, on a
    /// blocking-pool thread, and folds its rows into `initial` one after another with `body`.
    func fold<State: Sendable>(
        _ query: SQLQueryString, serializedFor sql: any SQLDatabase, into initial: State, _ body: @escaping @Sendable (inout State, Row) throws -> Void
    ) async throws -> State {
        var serializer = SQLSerializer(database: sql)
        query.serialize(to: &serializer)
        let encoder = SQLiteDataEncoder()
        let binds = try serializer.binds.map { try encoder.encode($0) }
        let text = serializer.sql
        return try await threadPool.runIfActive { [self] in
            let handle = try checkOut()
            defer { checkIn(handle) }
            var state = initial
            try Self.step(text, binds, on: handle) { try body(&state, $0) }
            return state
        }
    }

    /// Runs `query` and hands each row over as text cells (numbers as Swift prints them, BLOB and
    /// NULL as nil — what ``RecordTextRows`` makes of SQLiteNIO's values), on a statement prepared
    /// once per handle and reused for every later read of the same SQL text: a point read's
    /// preparation (parsing its `json_object` of every column) cost as much as its stepping.
    ///
    /// `body` runs on the blocking-pool thread, one row after another.
    func textRows(_ query: SQLQueryString, serializedFor sql: any SQLDatabase, width: Int, _ body: @escaping @Sendable ([String?]) -> Void) async throws {
        var serializer = SQLSerializer(database: sql)
        query.serialize(to: &serializer)
        let encoder = SQLiteDataEncoder()
        let binds = try serializer.binds.map { try encoder.encode($0) }
        let text = serializer.sql
        try await threadPool.runIfActive { [self] in
            let handle = try checkOut()
            defer { checkIn(handle) }
            // One cells array for every row: refilled in place unless `body` kept the last one.
            var cells = [String?](repeating: nil, count: width)
            try Self.step(text, binds, on: handle, keepPrepared: true) { row in
                for i in 0..<min(width, Int(sqlite_nio_sqlite3_column_count(row.statement))) {
                    switch sqlite_nio_sqlite3_column_type(row.statement, Int32(i)) {
                    case SQLITE_TEXT: cells[i] = row.string(i)
                    case SQLITE_INTEGER: cells[i] = String(sqlite_nio_sqlite3_column_int64(row.statement, Int32(i)))
                    case SQLITE_FLOAT: cells[i] = String(sqlite_nio_sqlite3_column_double(row.statement, Int32(i)))
                    default: cells[i] = nil
                    }
                }
                body(cells)
            }
        }
    }

    /// Closes the idle handles (those in use close when their statement ends).
    func shutdown() { idle.withLockedValue { $0.removeAll() } }

    private func checkOut() throws -> Handle {
        if let handle = idle.withLockedValue({ $0.popLast() }) { return handle }
        var raw: OpaquePointer?
        let opened = sqlite_nio_sqlite3_open_v2(path, &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        guard opened == SQLITE_OK, let raw else {
            if let raw { sqlite_nio_sqlite3_close_v2(raw) }
            throw DirectReadError(message: "cannot open \(path) for reading (SQLite \(opened))")
        }
        let handle = Handle(raw: raw)
        sqlite_nio_sqlite3_busy_timeout(raw, 5_000)
        for pragma in pragmas { try Self.step(pragma, [], on: handle) { _ in } }
        return handle
    }

    private func checkIn(_ handle: Handle) {
        idle.withLockedValue { handles in
            if handles.count < keepIdle { handles.append(handle) }
        }
    }

    /// Prepares `sql` (or takes it prepared, with `keepPrepared`), binds, steps it to the end and
    /// leaves it finalised, or reset and unbound for the next use.
    private static func step(_ sql: String, _ binds: [SQLiteData], on handle: Handle, keepPrepared: Bool = false, _ body: (Row) throws -> Void) throws {
        let statement: OpaquePointer
        if keepPrepared, let kept = handle.prepared[sql] {
            statement = kept
        } else {
            var prepared: OpaquePointer?
            let flags = keepPrepared ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
            try check(sqlite_nio_sqlite3_prepare_v3(handle.raw, sql, -1, flags, &prepared, nil), handle)
            guard let made = prepared else { return }  // only whitespace or a comment
            statement = made
            if keepPrepared {
                if handle.prepared.count >= maxPrepared {
                    for old in handle.prepared.values { sqlite_nio_sqlite3_finalize(old) }
                    handle.prepared.removeAll()
                }
                handle.prepared[sql] = made
            }
        }
        defer {
            if keepPrepared {
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
            } else {
                sqlite_nio_sqlite3_finalize(statement)
            }
        }
        for (i, bind) in binds.enumerated() {
            let at = Int32(i + 1)
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            switch bind {
            case .integer(let v): try check(sqlite_nio_sqlite3_bind_int64(statement, at, Int64(v)), handle)
            case .float(let v): try check(sqlite_nio_sqlite3_bind_double(statement, at, v), handle)
            case .text(let v):
                try check(sqlite_nio_sqlite3_bind_text64(statement, at, v, UInt64(v.utf8.count), transient, UInt8(SQLITE_UTF8)), handle)
            case .blob(let v):
                try check(v.withUnsafeReadableBytes { sqlite_nio_sqlite3_bind_blob64(statement, at, $0.baseAddress, UInt64($0.count), transient) }, handle)
            case .null: try check(sqlite_nio_sqlite3_bind_null(statement, at), handle)
            }
        }
        let row = Row(statement: statement)
        while true {
            let result = sqlite_nio_sqlite3_step(statement)
            if result == SQLITE_DONE { return }
            guard result == SQLITE_ROW else { return try check(result, handle) }
            try body(row)
        }
    }

    private static func check(_ result: Int32, _ handle: Handle) throws {
        guard result != SQLITE_OK && result != SQLITE_ROW && result != SQLITE_DONE else { return }
        let message = sqlite_nio_sqlite3_errmsg(handle.raw).map { String(cString: $0) } ?? "SQLite error \(result)"
        throw DirectReadError(message: message)
    }

    /// What SQLite said when a statement or an open failed.
    struct DirectReadError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Closes the idle handles when the application stops.
    struct Lifecycle: LifecycleHandler {
        func shutdownAsync(_ application: Application) async { application.sqliteDirectReads?.shutdown() }
    }
}

extension Application {
    private struct SQLiteDirectReadsKey: StorageKey { typealias Value = SQLiteDirectReads }

    /// Set by ``configure(_:settings:)`` for a SQLite file with read connections configured; nil otherwise.
    var sqliteDirectReads: SQLiteDirectReads? {
        get { storage[SQLiteDirectReadsKey.self] }
        set { storage[SQLiteDirectReadsKey.self] = newValue }
    }
}
