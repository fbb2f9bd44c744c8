import FluentSQLiteDriver
import SQLKit

/// Rows of a statement whose columns are all text (or NULL), handed over by position.
///
/// On SQLite the statement is stepped on the connection's thread (on the read connections of a
/// file, a C-API handle's, with the statement kept prepared: ``SQLiteDirectReads``) and each row is handed over
/// there, straight from the driver's values: no event-loop hop per row (the pooled database's
/// row callback submits one task per row) and no `Decodable` decoding per cell. On PostgreSQL the
/// statement is kept prepared per connection (``PostgresPreparedReads``) and cells are decoded by
/// position; a statement that cannot be prepared comes through SQLKit, decoded by name.
enum RecordTextRows {
    /// Runs `query` and calls `body` with each row's cells, in the order of `names` (the select list's aliases).
    ///
    /// `body` runs on the thread stepping the statement, one row after another (never concurrently),
    /// so it may write into state the caller owns until this returns.
    static func run(_ query: SQLQueryString, names: [String], on sql: any SQLDatabase, _ body: @escaping @Sendable ([String?]) -> Void) async throws {
        // The read connections of a file: on a C-API handle, the statement kept prepared.
        if let read = sql as? SQLiteReadPool.ReadDatabase, let direct = read.direct {
            return try await direct.textRows(query, serializedFor: sql, width: names.count, body)
        }
        if let sqlite = sql as? any SQLiteDatabase {
            var serializer = SQLSerializer(database: sql)
            query.serialize(to: &serializer)
            let encoder = SQLiteDataEncoder()
            let binds = try serializer.binds.map { try encoder.encode($0) }
            let text = serializer.sql
            let width = names.count
            try await sqlite.withConnection { connection in
                try await connection.query(text, binds) { row in
                    let columns = row.columns
                    var cells = [String?](repeating: nil, count: width)
                    for i in 0..<min(width, columns.count) {
                        switch columns[i].data {
                        case .text(let s): cells[i] = s
                        case .null, .blob: cells[i] = nil
                        case let other: cells[i] = other.string
                        }
                    }
                    body(cells)
                }
            }
            return
        }
        // PostgreSQL: the statement kept prepared on the connection (``PostgresPreparedReads``).
        if try await PostgresPreparedReads.textRows(query, width: names.count, on: sql, body) { return }
        for row in try await sql.raw(query).all() {
            body(try names.map { try row.decode(column: $0, as: String?.self) })
        }
    }

    /// Collects what `run`'s rows produce: the row callback fills it on one thread, the caller reads it after.
    final class Collector<Value>: @unchecked Sendable {
        var value: Value
        init(_ value: Value) { self.value = value }
    }
}
