import Fluent
import SQLKit
import Vapor

extension Database {
    /// This database through SQLKit, for the record tables and hand-tuned SQL. Both drivers DataBank
    /// runs on (SQLite, PostgreSQL) are SQL databases, so the one cast lives here.
    var sql: any SQLDatabase {
        guard let sql = self as? any SQLDatabase else { preconditionFailure("DataBank runs on SQL databases only (SQLite, PostgreSQL)") }
        return sql
    }
}

extension Request {
    private struct RequestDatabaseKey: StorageKey { typealias Value = any Database }

    /// The request's Fluent database, made once. `req.db` builds a new handle on every access (a lock,
    /// a configuration look-up, the driver's wrapper): ~6 % of the server's CPU on a PostgreSQL point
    /// read, which asks three or four times (docs/PERFORMANCE.md). For the hot read path; elsewhere
    /// `req.db` is as good.
    var database: any Database {
        if let made = storage[RequestDatabaseKey.self] { return made }
        let made = db
        storage[RequestDatabaseKey.self] = made
        return made
    }
}
