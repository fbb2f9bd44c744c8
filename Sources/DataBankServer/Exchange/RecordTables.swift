import SQLKit
import DataBankCore

/// The two tables of a record store and the dialect-specific SQL that shapes them.
///
/// `rec_…` holds one typed column per information item, keyed by the key items;
/// `chg_…` is the change log: one row per insert, update, delete or reset, numbered by `seq`.
/// Names derive from the resource code (digits and `-` only, checked by the catalog), so they
/// are safe identifiers; they are still always quoted through `SQLIdentifier`.
struct RecordTables: Sendable {
    let base: String
    var records: String { "rec_\(base)" }
    var changes: String { "chg_\(base)" }

    init(base: String) { self.base = base }

    init(resourceCode: String) {
        base = String(resourceCode.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    enum Dialect: Sendable {
        case sqlite, postgres
        init(_ sql: any SQLDatabase) { self = sql.dialect.name == "postgresql" ? .postgres : .sqlite }
    }

    /// The column type of an item in each dialect.
    static func columnType(_ c: RecordLayout.Column, _ dialect: Dialect) -> String {
        switch (dialect, c.type) {
        case (.sqlite, .C), (.sqlite, .M), (.sqlite, .G), (.sqlite, .D), (.sqlite, .T): return "TEXT"
        case (.sqlite, .I), (.sqlite, .L): return "INTEGER"
        case (.sqlite, .N), (.sqlite, .Y): return "NUMERIC"
        case (.sqlite, .F), (.sqlite, .B): return "REAL"
        case (.postgres, .C): return c.length.map { "VARCHAR(\($0))" } ?? "TEXT"
        case (.postgres, .M), (.postgres, .G): return "TEXT"
        case (.postgres, .I): return "BIGINT"
        case (.postgres, .N), (.postgres, .Y):
            guard let length = c.length else { return "NUMERIC" }
            return "NUMERIC(\(max(length, c.precision ?? 0)), \(c.precision ?? 0))"
        case (.postgres, .F), (.postgres, .B): return "DOUBLE PRECISION"
        case (.postgres, .D): return "DATE"
        case (.postgres, .T): return "TIMESTAMP"
        case (.postgres, .L): return "BOOLEAN"
        }
    }

    func createStatements(_ layout: RecordLayout, _ dialect: Dialect) -> [SQLQueryString] {
        let columns = layout.columns.map { c -> SQLQueryString in
            "\(ident: c.name) \(unsafeRaw: Self.columnType(c, dialect))\(unsafeRaw: c.primaryKey ? " NOT NULL" : "")"
        }
        let key = layout.keyNames.map { "\(ident: $0)" as SQLQueryString }.joined(separator: ", ")
        let seqType = dialect == .postgres ? "BIGINT" : "INTEGER"
        var statements: [SQLQueryString] = [
            // SQLite: clustered on the key (WITHOUT ROWID), so a key lookup or a key-ordered page
            // reads one b-tree instead of an index and then the table.
            "CREATE TABLE \(ident: records) (\(columns.joined(separator: ", ")), PRIMARY KEY (\(key)))\(unsafeRaw: dialect == .sqlite ? " WITHOUT ROWID" : "")",
            """
            CREATE TABLE \(ident: changes) (seq \(unsafeRaw: seqType) PRIMARY KEY, op TEXT NOT NULL, record_key TEXT,
                data TEXT, at_ms BIGINT NOT NULL, load_id TEXT)
            """,
        ]
        for c in layout.columns where c.queryField && !c.primaryKey { statements.append(index(on: c, key: layout.keyNames)) }
        return statements
    }

    /// A query field's index ends with the key, so a filtered page comes out in key order
    /// (the order keyset paging reads) without sorting every match.
    func index(on c: RecordLayout.Column, key: [String]) -> SQLQueryString {
        let columns = ([c.name] + key).map { "\(ident: $0)" as SQLQueryString }.joined(separator: ", ")
        return "CREATE INDEX \(ident: "idx_\(records)_\(c.name)") ON \(ident: records) (\(columns))"
    }

    func migrationStatements(_ m: LayoutMigration, key: [String], _ dialect: Dialect) -> [SQLQueryString] {
        var statements: [SQLQueryString] = []
        for c in m.added {
            statements.append("ALTER TABLE \(ident: records) ADD COLUMN \(ident: c.name) \(unsafeRaw: Self.columnType(c, dialect))")
        }
        // SQLite's TEXT has no length; PostgreSQL's VARCHAR widens in place.
        if dialect == .postgres {
            for c in m.widened {
                statements.append("ALTER TABLE \(ident: records) ALTER COLUMN \(ident: c.name) TYPE \(unsafeRaw: Self.columnType(c, dialect))")
            }
        }
        for c in m.newIndexes where !c.primaryKey { statements.append(index(on: c, key: key)) }
        return statements
    }

    /// A column as the query API reads it back: PostgreSQL's typed values are read as text
    /// where Swift has no exact type (numeric) or the text is the canonical form (dates).
    static func selectExpression(_ c: RecordLayout.Column, _ dialect: Dialect) -> SQLQueryString {
        switch (dialect, c.type) {
        case (.postgres, .N), (.postgres, .Y): return "\(ident: c.name)::text AS \(ident: c.name)"
        case (.postgres, .D): return "to_char(\(ident: c.name), 'YYYY-MM-DD') AS \(ident: c.name)"
        case (.postgres, .T): return "to_char(\(ident: c.name), 'YYYY-MM-DD\"T\"HH24:MI:SS') AS \(ident: c.name)"
        default: return "\(ident: c.name)"
        }
    }
}
