import Fluent
import SQLKit

extension Database {
    /// This database through SQLKit, for the record tables and hand-tuned SQL. Both drivers DataBank
    /// runs on (SQLite, PostgreSQL) are SQL databases, so the one cast lives here.
    var sql: any SQLDatabase {
        guard let sql = self as? any SQLDatabase else { preconditionFailure("DataBank runs on SQL databases only (SQLite, PostgreSQL)") }
        return sql
    }
}
