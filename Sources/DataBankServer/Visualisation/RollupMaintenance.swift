import Foundation
import SQLKit
import DataBankCore

/// Keeps a store's ready rollups in step with a write, inside the write's own transaction (after
/// the store's lock): the records a batch inserts are added to their groups, the ones it updates
/// are taken out before and added back after, deleted and expired ones are taken out — each as one
/// grouped upsert per rollup over the batch's keys (never a statement per row). Measures that
/// cannot move by a delta (count_distinct, min, max, median, p90) are recomputed, at the end, for
/// the groups the write touched; the rollup then covers the write's last `seq`.
///
/// Every step runs under a savepoint: a step that fails is undone, the rollup marked `stale` with
/// the reason (rebuilt later, never read meanwhile) and the write goes on.
struct RollupMaintenance {
    struct Active {
        var id: String
        var sql: RollupSQL
        var touched: Set<String> = []
        var tookOut = false
    }
    var active: [Active] = []

    var isEmpty: Bool { active.isEmpty }

    /// Items whose stored form the rollups read as text (grouped by, or filtered by a condition or a
    /// search): for these an appended value takes its column's exact stored form, whole-number reals
    /// included (``RecordWriter/storedValue(_:_:exact:)``); the others are only measured.
    var itemsReadAsText: Set<String> {
        var names: Set<String> = []
        for rollup in active {
            let aggregate = rollup.sql.aggregate
            for g in aggregate.request.groups { names.insert(g.column.name) }
            for c in aggregate.query.conditions { names.insert(c.column.name) }
            for search in aggregate.query.textSearches { names.formUnion(search.columns.map(\.name)) }
        }
        return names
    }

    /// Every item the rollups read (grouped, filtered, searched or measured): the only columns an
    /// appended batch's relation needs (``RecordWriter/insertedRows(_:_:_:exact:reading:)``).
    var itemsRead: Set<String> {
        var names = itemsReadAsText
        for rollup in active { names.formUnion(rollup.sql.aggregate.request.measures.compactMap { $0.column?.name }) }
        return names
    }

    /// The store's ready rollups, compiled against its current layout; one whose spec no longer
    /// applies, or that was built under another layout, is marked stale here.
    static func load(_ store: RecordStoreRow, on sql: any SQLDatabase) async throws -> RollupMaintenance {
        var maintenance = RollupMaintenance()
        let rows = try await sql.raw(
            "SELECT id, spec, shape FROM aggregate_rollups WHERE resource_code = \(bind: store.resourceCode) AND state = 'ready'"
        ).all()
        for row in rows {
            let id = try row.decode(column: "id", as: String.self)
            do {
                let (request, query) = try AggregateRollups.compile(AggregateRollups.decodeSpec(try row.decode(column: "spec", as: String.self)), store: store)
                guard AggregateRollups.shape(request, query) == (try row.decode(column: "shape", as: String.self)) else {
                    try await markStale(id, "the items it reads changed", on: sql)
                    continue
                }
                maintenance.active.append(
                    Active(id: id, sql: RollupSQL(rollupID: id, aggregate: AggregateSQL(request: request, query: query, dialect: .init(sql)))))
            } catch {
                try await markStale(id, AppError.from(error).message, on: sql)
            }
        }
        return maintenance
    }

    static func markStale(_ id: String, _ reason: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("UPDATE aggregate_rollups SET state = 'stale', error = \(bind: reason) WHERE id = \(bind: id)").run()
    }

    /// Runs `step` for each rollup under a savepoint; a rollup whose step fails is marked stale and dropped.
    private mutating func each(on sql: any SQLDatabase, _ step: (inout Active) async throws -> Void) async throws {
        var kept: [Active] = []
        for var rollup in active {
            try await sql.raw("SAVEPOINT rollup_step").run()
            do {
                try await step(&rollup)
                try await sql.raw("RELEASE SAVEPOINT rollup_step").run()
                kept.append(rollup)
            } catch {
                try await sql.raw("ROLLBACK TO SAVEPOINT rollup_step").run()
                try await sql.raw("RELEASE SAVEPOINT rollup_step").run()
                try await Self.markStale(rollup.id, "maintenance failed: \(String(describing: error).prefix(500))", on: sql)
            }
        }
        active = kept
    }

    /// A `replace` load's reset: every group goes (a rollup without groups keeps its one row, at zero).
    mutating func reset(on sql: any SQLDatabase) async throws {
        guard !isEmpty else { return }
        try await each(on: sql) { rollup in
            try await sql.raw("DELETE FROM aggregate_rollup_groups WHERE rollup_id = \(bind: rollup.id)").run()
            try await sql.raw(rollup.sql.deltaStatement(.matching("1 = 0"), sign: 1)).run()
        }
    }

    /// Adds (`sign` 1) or takes out (−1) the stored records matching `rows`, as they are now.
    mutating func move(rows: SQLQueryString, sign: Int, on sql: any SQLDatabase) async throws {
        try await move(.matching(rows), sign: sign, on: sql)
    }

    /// Adds the rows a batch inserts, read from `relation` (``RecordWriter/insertedRows(_:_:_:exact:reading:)``):
    /// an append costs the rollup one grouped pass over the batch, no key look-ups.
    mutating func add(inserted relation: SQLQueryString, on sql: any SQLDatabase) async throws {
        try await move(.inserted(relation), sign: 1, on: sql)
    }

    private mutating func move(_ step: RollupSQL.StepRows, sign: Int, on sql: any SQLDatabase) async throws {
        guard !isEmpty else { return }
        try await each(on: sql) { rollup in
            if rollup.sql.recomputes {
                for row in try await sql.raw(rollup.sql.touchedStatement(step)).all() {
                    rollup.touched.insert(try row.decode(column: "k", as: String.self))
                }
            }
            try await sql.raw(rollup.sql.deltaStatement(step, sign: sign)).run()
            if sign < 0 { rollup.tookOut = true }
        }
    }

    /// Recomputes the touched groups' other measures, drops emptied groups, and records the position covered.
    mutating func finish(seq: Int, on sql: any SQLDatabase) async throws {
        guard !isEmpty else { return }
        // Only rollups with something left to do take a step (and its savepoint's two round trips).
        if active.contains(where: { ($0.tookOut && !$0.sql.request.groups.isEmpty) || !$0.touched.isEmpty }) {
            try await each(on: sql) { rollup in
                if rollup.tookOut && !rollup.sql.request.groups.isEmpty {
                    try await sql.raw("DELETE FROM aggregate_rollup_groups WHERE rollup_id = \(bind: rollup.id) AND n = 0").run()
                }
                if !rollup.touched.isEmpty {
                    try await sql.raw(rollup.sql.recomputeStatement(keys: JSONText.encode(rollup.touched.sorted()))).run()
                    rollup.touched = []
                }
            }
        }
        // The ones still kept (a failed step marked its rollup stale) cover the write's last change.
        guard !isEmpty else { return }
        try await sql.raw("UPDATE aggregate_rollups SET covered_seq = \(bind: seq) WHERE id IN (\(binds: active.map(\.id)))").run()
    }
}

extension RecordWriter {
    /// The rows of a batch that `indexes` insert, as a relation with the record table's columns holding
    /// what the table stores — read from the batch's payload, not looked up by key. On SQLite each value
    /// goes through its column's affinity as the INSERT applies it (a decimal `12.00` is stored as the
    /// integer 12, a float column's `3` as the real 3.0), so group texts match the stored rows'; on
    /// PostgreSQL the bound arrays of the columns' texts (``RecordBatch/columnTexts(_:columns:keeping:)``)
    /// are cast to the table's own column types.
    /// The relation has only the columns the rollups read: each other column was a look-up (and on SQLite
    /// a CAST) per appended row for nothing.
    /// - Parameter exact: the items read as text (``RollupMaintenance/itemsReadAsText``).
    /// - Parameter reading: the items the rollups read (``RollupMaintenance/itemsRead``).
    func insertedRows(
        _ batch: RecordBatch, _ indexes: [Int], _ dialect: RecordTables.Dialect, exact: Set<String>, reading: Set<String>
    ) -> SQLQueryString {
        let read = layout.columns.filter { reading.contains($0.name) }
        switch dialect {
        case .sqlite:
            let payload = batch.payloadBind(indexes)
            let columns = read.map { c -> SQLQueryString in
                let form = exact.contains(c.name) || !Self.measuresAlikeInAnyForm(c)
                return "\(Self.storedValue(c, "value ->> \(literal: "$." + c.name)", exact: form)) AS \(ident: c.name)"
            }
            let list: SQLQueryString = columns.isEmpty ? "1 AS _row" : columns.joined(separator: ", ")
            return "(SELECT \(list) FROM jsonb_each(\(bind: payload))) AS inserted"
        case .postgres:
            // Each column's texts through the column's own type (its input function, as COPY applied it).
            guard !read.isEmpty else { return "(SELECT 1 AS _row FROM generate_series(1, \(bind: indexes.count))) AS inserted" }
            let arrays = batch.columnTexts(indexes, columns: layout.columns, keeping: reading)
            var arguments: [SQLQueryString] = [], names: [SQLQueryString] = [], columns: [SQLQueryString] = []
            for (j, (c, array)) in zip(read, arrays).enumerated() {
                arguments += ["\(bind: array.values)::text[]", "\(bind: array.nulls)::bool[]"]
                names += ["\(unsafeRaw: "c\(j)")", "\(unsafeRaw: "n\(j)")"]
                let type = RecordTables.columnType(c, .postgres)
                columns.append("CASE WHEN u.\(unsafeRaw: "n\(j)") THEN NULL ELSE u.\(unsafeRaw: "c\(j)")::\(unsafeRaw: type) END AS \(ident: c.name)")
            }
            return """
                (SELECT \(columns.joined(separator: ", ")) FROM unnest(\(arguments.joined(separator: ", "))) \
                AS u(\(names.joined(separator: ", ")))) AS inserted
                """
        }
    }

    /// A payload value (`->>`: text, integer or real) as a SQLite column of `c`'s type stores it, with
    /// the column's affinity (each case is a CAST, which carries it) — for the values the batch holds
    /// (``FieldConverter``: JSON numbers for numeric items, strings for text, dates and times,
    /// booleans for flags).
    ///
    /// `exact: false` is for an item the rollups only measure (``measuresAlikeInAnyForm(_:)``): a NUMERIC
    /// value then stays a real where the table would keep a whole number as an integer — the same count
    /// and the same scaled sum — with one look-up into the payload instead of five.
    static func storedValue(_ c: RecordLayout.Column, _ v: SQLQueryString, exact: Bool = true) -> SQLQueryString {
        switch RecordTables.columnType(c, .sqlite) {
        case "TEXT": return "CAST(\(v) AS TEXT)"
        case "REAL": return "CAST(\(v) AS REAL)"
        case "NUMERIC" where !exact, "INTEGER" where !exact: return "CAST(\(v) AS NUMERIC)"
        // NUMERIC and INTEGER affinity keep a real that is a whole number as an integer. The outer CAST
        // changes no number (a no-op on integers and reals) but gives the expression numeric affinity,
        // so a filter compares it with a bound text as it compares the column.
        case "NUMERIC", "INTEGER":
            return
                "CAST(CASE WHEN typeof(\(v)) = 'real' AND \(v) = CAST(\(v) AS INTEGER) AND abs(\(v)) < 9.2e18 THEN CAST(\(v) AS INTEGER) ELSE \(v) END AS NUMERIC)"
        default: return v
        }
    }

    /// Whether an item's measures come out the same from a whole-number real as from the integer the table
    /// keeps: integers and flags (the payload holds them as integers already), and decimals whose sums the
    /// rollup keeps scaled to integers (``RollupSQL/scale(_:)``: a declared precision of 0–9).
    static func measuresAlikeInAnyForm(_ c: RecordLayout.Column) -> Bool {
        switch c.type {
        case .I, .L: return true
        case .N, .Y: return (0...9).contains(c.precision ?? -1)
        default: return false
        }
    }

    /// The records whose keys are among the batch's rows `indexes`: the key columns against one bound
    /// JSON array of the rows' keys only (`[[k1, k2], …]`, from the batch's canonical key texts), so the
    /// database reads a small array and looks each key up in the primary key.
    func rows(_ batch: RecordBatch, _ indexes: [Int], _ dialect: RecordTables.Dialect) -> SQLQueryString {
        let keys = layout.keyColumns
        var json = "["
        for (n, i) in indexes.enumerated() {
            if n > 0 { json += "," }
            // Each part of a batch key is canonical JSON (control characters escaped), joined by U+001F.
            json += "[" + batch.keys[i].replacingOccurrences(of: "\u{1F}", with: ",") + "]"
        }
        json += "]"
        let tuple: SQLQueryString = "(\(keys.map { "\(ident: $0.name)" as SQLQueryString }.joined(separator: ", ")))"
        switch dialect {
        case .sqlite:
            let values = keys.indices.map { "value ->> \(literal: "$[\($0)]")" as SQLQueryString }.joined(separator: ", ")
            return "\(tuple) IN (SELECT \(values) FROM jsonb_each(\(bind: json)))"
        case .postgres:
            let values = keys.enumerated().map { j, c in
                "(value ->> \(literal: j))::\(unsafeRaw: RecordTables.columnType(c, .postgres))" as SQLQueryString
            }.joined(separator: ", ")
            return "\(tuple) IN (SELECT \(values) FROM json_array_elements(\(bind: json)::json))"
        }
    }
}
