import NIOConcurrencyHelpers
import SQLKit
import DataBankCore

/// ``RecordQuery/rowJSON(_:_:)`` serialized once per column list and dialect.
///
/// Every page and point read selects its row as `json_object('name', "name", …)`; serializing that
/// expression (an identifier and a literal per column, each escaped) cost more per point read than
/// the rest of the statement. It binds nothing — column names are quoted identifiers and literals of
/// the store's layout, never request input — so its text is the same every time.
enum RowJSONText {
    private struct Key: Hashable {
        var fields: [RecordLayout.Column]
        var dialect: String
    }

    private static let cache = NIOLockedValueBox([Key: String]())

    /// The expression for `fields` on `sql`'s dialect, as ``RecordQuery/rowJSON(_:_:)`` writes it.
    static func expression(_ fields: [RecordLayout.Column], on sql: any SQLDatabase) -> SQLQueryString {
        let key = Key(fields: fields, dialect: sql.dialect.name)
        if let text = cache.withLockedValue({ $0[key] }) { return "\(unsafeRaw: text)" }
        let built = RecordQuery.rowJSON(fields, RecordTables.Dialect(sql))
        var serializer = SQLSerializer(database: sql)
        built.serialize(to: &serializer)
        guard serializer.binds.isEmpty else { return built }
        let text = serializer.sql
        cache.withLockedValue { texts in
            if texts.count >= 1_000 { texts.removeAll(keepingCapacity: true) }
            texts[key] = text
        }
        return "\(unsafeRaw: text)"
    }
}
