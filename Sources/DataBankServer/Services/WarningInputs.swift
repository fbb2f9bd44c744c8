import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Vapor
import DataBankCore

/// What a warning rule reads besides the changed records themselves, gathered for a whole batch at once:
/// each record's previous records of its entity, and which looked-up values another resource lists — a
/// statement per ``perStatement(_:)`` records or values.
enum WarningInputs {
    /// Records (or values) one statement asks about. SQLite reads them from one JSON text (``JSONRows``),
    /// PostgreSQL from one array a column (``PostgresArrays``): a statement of 5,000 look-ups there binds a
    /// handful of values and keeps its plan, where 500 rows of bound `VALUES` were planned again each time.
    static func perStatement(_ dialect: RecordTables.Dialect) -> Int { dialect == .sqlite ? 500 : 5_000 }

    /// For each record, the entity's records ordered before it (most recent first, at most `check.depth`),
    /// holding the columns the history functions read. Empty lists when the rule reads no history.
    ///
    /// The records' (entity, order) as a table of the batch's values, each one's previous records read by
    /// the entity's index: on SQLite joined and ranked by a window function, on PostgreSQL each record's own
    /// `LATERAL … LIMIT` probe.
    static func past(
        of records: [[String?]], check slotted: WarningCheck.Slotted, store: RecordStoreRow, on sql: any SQLDatabase
    ) async throws -> [[[String: String]]] {
        var out = [[[String: String]]](repeating: [], count: records.count)
        let check = slotted.check
        let depth = check.depth
        guard depth > 0, let orderName = check.rule.order else { return out }
        let layout = store.recordLayout
        let byName = Dictionary(layout.columns.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        guard let order = byName[orderName] else { return out }
        let entity = check.rule.entity.compactMap { byName[$0] }
        let read = Array(
            Set(
                check.compiled.inputs.compactMap { input -> String? in
                    if case .history(_, let c, _) = input, !c.isEmpty { c } else { nil }
                })
        ).sorted().compactMap { byName[$0] }
        let dialect = RecordTables.Dialect(sql)
        if dialect == .postgres { try await freshenStatistics(of: store, on: sql) }
        let keyed = entity + [order]
        // Each keyed column's slot in the records (the rule's entity and order are among the columns read).
        let slots = keyed.compactMap { slotted.slot($0.name) }
        guard slots.count == keyed.count else { return out }
        let asked = records.indices.filter { i in slots.allSatisfy { records[i][$0] != nil } }
        let columns = read.isEmpty ? [order] : read
        let names = ["w"] + columns.map(\.name)
        // VALUES columns are column1, column2 … in both SQLite and PostgreSQL: the record's number, its entity, its order.
        let joins =
            entity.enumerated().map { k, c -> SQLQueryString in "r.\(ident: c.name) = v.\(ident: "column\(k + 2)")" }
            + ["r.\(ident: order.name) < v.\(ident: "column\(entity.count + 2)")"]
        let inner = columns.map { c -> SQLQueryString in "r.\(ident: c.name)" }.joined(separator: ", ")
        let outer = columns.map { RecordTables.selectExpression($0, dialect) }.joined(separator: ", ")
        for chunk in asked.chunked(perStatement(dialect)).map(Array.init) {
            let statement: SQLQueryString
            switch dialect {
            case .sqlite:
                let rows = chunk.map { i in (i, slots.map { records[i][$0]! }) }
                let cells = (0...keyed.count).map { k -> SQLQueryString in
                    k == 0
                        ? "CAST(json_extract(j.value, '$[0]') AS INTEGER) AS column1"
                        : "json_extract(j.value, \(unsafeRaw: "'$[\(k)]'")) AS \(ident: "column\(k + 1)")"
                }
                statement = """
                    SELECT w, \(outer) FROM (
                        SELECT v.column1 AS w, \(inner),
                            ROW_NUMBER() OVER (PARTITION BY v.column1 ORDER BY r.\(ident: order.name) DESC) AS rn
                        FROM (SELECT \(cells.joined(separator: ", ")) FROM json_each(\(bind: JSONRows.text(rows, keyed))) AS j) AS v
                        JOIN \(ident: store.tables.records) AS r ON \(joins.joined(separator: " AND "))
                    ) ranked WHERE rn <= \(literal: depth) ORDER BY w, rn
                    """
            case .postgres:
                // Each record's own look-up (`LATERAL … LIMIT`): an index probe for the newest `depth` rows of its
                // entity, the order of the rows left to the index, not to a join the planner prices for the batch.
                let arrays = ["\(bind: chunk)::int8[]"] + zip(keyed, slots).map { c, slot in PostgresArrays.typed(chunk.map { records[$0][slot]! }, c) }
                let columns = (1...arrays.count).map { k -> SQLQueryString in "\(ident: "column\(k)")" }
                statement = """
                    SELECT CAST(w AS TEXT) AS w, \(outer) FROM (
                        SELECT v.column1 AS w, p.* FROM unnest(\(arrays.joined(separator: ", "))) AS v(\(columns.joined(separator: ", ")))
                        CROSS JOIN LATERAL (
                            SELECT \(inner), r.\(ident: order.name) AS "rank order" FROM \(ident: store.tables.records) AS r
                            WHERE \(joins.joined(separator: " AND ")) ORDER BY r.\(ident: order.name) DESC LIMIT \(literal: depth)
                        ) AS p
                    ) ranked ORDER BY ranked.w, "rank order" DESC
                    """
            }
            let rows = RecordTextRows.Collector([(Int, [String: String])]())
            try await RecordTextRows.run(statement, names: names, on: sql) { cells in
                guard let w = cells[0].flatMap({ Int($0) }) else { return }
                var record: [String: String] = [:]
                for (name, value) in zip(names.dropFirst(), cells.dropFirst()) { if let value { record[name] = value } }
                rows.value.append((w, record))
            }
            for (w, record) in rows.value { out[w].append(record) }
        }
        return out
    }

    /// PostgreSQL plans each record's history look-up from the store's statistics. A store filled since they
    /// were taken — a first big load, watched as it runs — is planned as the empty store it was: each look-up
    /// then cost ~180 µs instead of ~6 µs, until autovacuum's next analyze (a minute away at best). So when
    /// more rows changed since the last analyze than ten times what it counted (and at least 10,000), the
    /// store is analyzed here first: a sample of 30,000 rows, once or twice over a load that grows an empty store to a
    /// million rows. (Once counted, an entity column's distinct values are kept as a share of the rows, which
    /// plans the probes right as the store grows: each analyze more cost ~0.4 s of the server's time.)
    static func freshenStatistics(of store: RecordStoreRow, on sql: any SQLDatabase) async throws {
        let row = try await sql.raw(
            """
            SELECT c.reltuples::float8 AS counted, s.n_mod_since_analyze AS changed
            FROM pg_class AS c JOIN pg_stat_user_tables AS s ON s.relid = c.oid WHERE c.oid = to_regclass(\(bind: store.tables.records))
            """
        ).first()
        guard let row, let changed = try row.decode(column: "changed", as: Int?.self) else { return }
        let counted = try row.decode(column: "counted", as: Double.self)
        guard changed >= 10_000 && Double(changed) > 10 * counted else { return }
        try await sql.raw("ANALYZE \(ident: store.tables.records)").run()
    }

    /// Where a listing looks: the other resource and its column.
    struct Listing: Hashable {
        var resource: String
        var column: String
    }

    /// The values of each listing (`listed_in(resource, column, value)`) that the other resource holds:
    /// a register of up to ``cachedListingRows`` rows whole (kept while it does not
    /// change), of a larger one (`cachedUpTo`) those among the batch's values.
    static func listed(
        in records: [[String?]], check slotted: WarningCheck.Slotted, on db: any Database, read sql: any SQLDatabase, cachedUpTo: Int = cachedListingRows
    ) async throws -> [Listing: Set<String>] {
        var out: [Listing: Set<String>] = [:]
        let dialect = RecordTables.Dialect(sql)
        for listing in slotted.check.listings {
            let key = Listing(resource: listing.resource, column: listing.column)
            guard out[key] == nil else { continue }
            let store = try await RecordStores.find(listing.resource, on: db)
            guard let column = store.recordLayout.columns.first(where: { $0.name == listing.column }) else {
                throw AppError(.conflict, "unknown_column", "\(listing.resource) has no column \(listing.column)")
            }
            if store.rowCount <= cachedUpTo {
                out[key] = try await Self.register(store, column, on: sql)
                continue
            }
            let slot = slotted.slot(listing.value)
            let values = Array(Set(records.compactMap { record in slot.flatMap { record[$0] } }))
            var found = Set<String>()
            for chunk in values.chunked(perStatement(dialect)).map(Array.init) {
                let among: SQLQueryString =
                    dialect == .sqlite
                    ? "IN (SELECT value FROM json_each(\(bind: JSONRows.text(chunk, column))))" : "= ANY(\(PostgresArrays.typed(chunk, column)))"
                let rows = RecordTextRows.Collector(Set<String>())
                try await RecordTextRows.run(
                    """
                    SELECT DISTINCT \(RecordTables.selectExpression(column, dialect)) FROM \(ident: store.tables.records) WHERE \(ident: column.name) \(among)
                    """, names: [column.name], on: sql
                ) { cells in if let v = cells[0] { rows.value.insert(v) } }
                found.formUnion(rows.value)
            }
            out[key] = found
        }
        return out
    }

    /// Registers up to this many rows are read whole and kept (``register(_:_:on:)``); larger ones are asked
    /// for a batch's values, 500 a statement.
    static let cachedListingRows = 200_000

    /// A register's values kept while its store stays as it was (same store, same last change): a register
    /// (the legal-representatives', a blacklist) changes far more slowly than the stores watched against it,
    /// so it is read once, not once per 500 values of every step. Per process; each instance reads its own.
    private static let registers = NIOLockedValueBox<[String: (store: UUID?, seq: Int, values: Set<String>)]>([:])

    /// Every value of `column` in `store`, read once per change of the store.
    static func register(_ store: RecordStoreRow, _ column: RecordLayout.Column, on sql: any SQLDatabase) async throws -> Set<String> {
        let key = store.resourceCode + "|" + column.name
        if let kept = registers.withLockedValue({ $0[key] }), kept.store == store.id, kept.seq == store.lastSeq { return kept.values }
        let dialect = RecordTables.Dialect(sql)
        let values = RecordTextRows.Collector(Set<String>())
        try await RecordTextRows.run(
            "SELECT DISTINCT \(RecordTables.selectExpression(column, dialect)) FROM \(ident: store.tables.records)", names: [column.name], on: sql
        ) { cells in if let v = cells[0] { values.value.insert(v) } }
        // Read after `lastSeq` was: a change in between makes the next step read it again, never keep a stale set.
        registers.withLockedValue { $0[key] = (store.id, store.lastSeq, values.value) }
        return values.value
    }
}

/// A batch's values as one JSON array, bound once and read by SQLite's `json_each`: binding each value on
/// its own went through SQLiteKit's encoder (a cast and an enum per value), which cost more than the
/// look-ups themselves. Text goes as JSON strings — compared as the bound text was — and a yes/no item as 1 or 0.
enum JSONRows {
    /// `[[n, v1, v2 …], …]`: each record's number, then its value of each of `columns`.
    static func text(_ rows: [(Int, [String])], _ columns: [RecordLayout.Column]) -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(rows.count * 48)
        for (n, (number, values)) in rows.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            out.append(contentsOf: String(number).utf8)
            for (value, column) in zip(values, columns) {
                out.append(UInt8(ascii: ","))
                append(value, column, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `[v1, v2, …]`: values of one column.
    static func text(_ values: [String], _ column: RecordLayout.Column) -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(values.count * 24)
        for (n, value) in values.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            append(value, column, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func append(_ value: String, _ column: RecordLayout.Column, to out: inout [UInt8]) {
        if column.type == .L {
            out.append(value == "true" ? UInt8(ascii: "1") : UInt8(ascii: "0"))
            return
        }
        var text = value
        text.withUTF8 { FieldConverter.appendString($0, to: &out) }
    }
}

/// A batch's values of one column as one bound PostgreSQL array, cast to the column's type element by element
/// (``RecordQuery/typedValue(_:_:_:)``'s rule, each text through the type's input function), so comparisons
/// use the column's index: binding each value on its own cost more than the look-ups (SQLKit's interpolation
/// per value, and a statement of a thousand parameters planned again each time).
/// (SQLite reads a batch's values from one JSON text instead: ``JSONRows``.)
enum PostgresArrays {
    static func typed(_ texts: [String], _ c: RecordLayout.Column) -> SQLQueryString {
        "\(bind: texts)::text[]::\(unsafeRaw: RecordTables.columnType(c, .postgres))[]"
    }
}
