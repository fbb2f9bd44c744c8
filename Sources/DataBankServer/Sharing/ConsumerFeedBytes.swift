import SQLKit
import Vapor
import DataBankCore

/// The change feed as a consumer sees it, written straight into bytes (a peer's relay reads 10,000 changes
/// a page): each change appended as `{"seq":…,"op":…,"key":…,"data":…,"at":…}`, comma-separated, with no
/// String per change. A grant that shows every item in clear and scopes no rows sees the change log as it
/// is stored (its `record_key` and `data` are canonical JSON already): the database writes each change's
/// text around them, untouched (``writeAsStored(store:after:limit:on:)``). Any other grant is masked and scoped change by change, as ``ConsumerFeed/changes`` does.
extension ConsumerFeed {
    /// A page written: its changes' bytes, how many are shown and the last sequence number read.
    struct Written: Sendable {
        var items: [UInt8] = []
        var shown = 0
        var next: Int
    }

    /// Whether the grant sees the change log as stored: every item, each in clear, every row.
    static func passesThrough(_ view: GrantView, layout: RecordLayout) -> Bool {
        view.conditions.isEmpty && view.showsClearValues && Set(view.columns.map(\.name)) == Set(layout.columns.map(\.name))
    }

    static func write(store: RecordStoreRow, view: GrantView, after: Int, limit: Int, today: CivilDate, on sql: any SQLDatabase) async throws -> Written {
        let layout = store.recordLayout
        if passesThrough(view, layout: layout) { return try await writeAsStored(store: store, after: after, limit: limit, on: sql) }
        let rows = try await sql.raw(
            """
            SELECT seq, op, record_key, data, at_ms FROM \(ident: store.tables.changes) WHERE seq > \(bind: after) ORDER BY seq LIMIT \(literal: limit)
            """
        ).all()
        var out = Written(next: after)
        // A change is some 200–400 bytes: reserved once rather than grown.
        out.items.reserveCapacity(rows.count * 320)
        for row in rows {
            let seq = try row.decode(column: "seq", as: Int.self)
            out.next = seq
            let op = try row.decode(column: "op", as: String.self)
            guard
                let shown = visible(
                    op: op, key: try row.decode(column: "record_key", as: String?.self), data: try row.decode(column: "data", as: String?.self),
                    layout: layout, view: view, today: today)
            else { continue }
            if out.shown > 0 { out.items.append(UInt8(ascii: ",")) }
            out.shown += 1
            out.items.append(contentsOf: #"{"seq":"#.utf8)
            out.items.append(contentsOf: String(seq).utf8)  // up to 15 digits: a small String, no allocation
            out.items.append(contentsOf: #","op":""#.utf8)
            out.items.append(contentsOf: op.utf8)
            out.items.append(contentsOf: #"","key":"#.utf8)
            out.items.append(contentsOf: shown.key.utf8)
            out.items.append(contentsOf: #","data":"#.utf8)
            out.items.append(contentsOf: shown.data.utf8)
            out.items.append(contentsOf: #","at":"#.utf8)
            out.items.append(contentsOf: String(try row.decode(column: "at_ms", as: Int.self)).utf8)
            out.items.append(UInt8(ascii: "}"))
        }
        return out
    }

    /// The page for a grant that sees the change log as stored: the database writes each change's text
    /// (its key and data are canonical JSON already) and joins the page's changes into one value, so a
    /// page of 10,000 changes is one row read, not 10,000 (as ``ChangeFeed/page`` reads the feed).
    static func writeAsStored(store: RecordStoreRow, after: Int, limit: Int, on sql: any SQLDatabase) async throws -> Written {
        let aggregate: SQLQueryString = RecordTables.Dialect(sql) == .postgres ? "string_agg(item, ',' ORDER BY seq)" : "group_concat(item, ',' ORDER BY seq)"
        let row = try await sql.raw(
            """
            SELECT \(aggregate) AS items, COUNT(*) AS n, MAX(seq) AS last FROM (
                SELECT seq, '{"seq":' || seq || ',"op":"' || op || '","key":' || COALESCE(record_key, 'null') || ',"data":'
                    || CASE WHEN op = 'delete' THEN 'null' ELSE COALESCE(data, 'null') END || ',"at":' || at_ms || '}' AS item
                FROM \(ident: store.tables.changes) WHERE seq > \(bind: after) ORDER BY seq LIMIT \(literal: limit)
            ) AS page
            """
        ).first()
        var out = Written(next: try row?.decode(column: "last", as: Int?.self) ?? after)
        out.shown = try row?.decode(column: "n", as: Int.self) ?? 0
        if out.shown > 0, let items = try row?.decode(column: "items", as: String?.self) { out.items = Array(items.utf8) }
        return out
    }
}
