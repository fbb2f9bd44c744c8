import SQLKit
import DataBankCore

/// A rollup's statements for either dialect, built on its aggregate's own SQL (``AggregateSQL``: the
/// same group expressions, filters and measure expressions as a direct aggregate), so what is kept
/// is what a direct aggregate computes.
///
/// Per group the rollup keeps the group texts, the record count `n`, and per measure slot `j`
/// (the measure's place in the rollup's spec): for `sum` and `avg` a sum state `s_j` and the
/// item's non-null count `c_j`, moved by deltas; for `count_distinct`, `min`, `max`, `median` and
/// `p90` the value `v_j` as the direct aggregate renders it, recomputed for the touched groups.
/// On SQLite a decimal item's sum is kept as an integer of its smallest unit (`amount × 10^scale`),
/// exact however many deltas are added; on PostgreSQL sums are NUMERIC, exact already.
struct RollupSQL: Sendable {
    let rollupID: String
    let aggregate: AggregateSQL

    var request: AggregateRequest { aggregate.request }
    var dialect: RecordTables.Dialect { aggregate.dialect }
    static let groupsTable = "aggregate_rollup_groups"

    /// Joins a two-item group's keys (a text no canonical value holds).
    static let keySeparator = "\u{1E}"

    /// Whether a measure's value is recomputed for touched groups (it cannot be moved by a delta).
    static func isRecomputed(_ f: AggregateFunction) -> Bool { ![.count, .sum, .avg].contains(f) }

    var recomputes: Bool { request.measures.contains { Self.isRecomputed($0.function) } }

    /// The group's identity in `aggregate_rollup_groups.group_key`: its texts (NULL as ``AggregateSQL/nullKey``).
    var groupKey: SQLQueryString {
        guard !request.groups.isEmpty else { return "''" }
        // A constant of ours, never the caller's text.
        return request.groups.map(aggregate.groupKey).joined(separator: " || '\(Self.keySeparator)' || ")
    }

    var groupBy: SQLQueryString {
        request.groups.isEmpty ? "" : " GROUP BY \(request.groups.map(aggregate.groupValue).joined(separator: ", "))"
    }

    /// Decimal places a SQLite sum state is scaled by (a decimal item with a declared precision), else nil.
    func scale(_ c: RecordLayout.Column) -> Int? {
        guard dialect == .sqlite, c.type == .N || c.type == .Y, let p = c.precision, (0...9).contains(p) else { return nil }
        return p
    }

    func power(_ p: Int) -> Int { (0..<p).reduce(1) { r, _ in r * 10 } }

    /// The sum state of an item over a set of records.
    func sumState(_ c: RecordLayout.Column) -> SQLQueryString {
        let col: SQLQueryString = "\(ident: c.name)"
        if let p = scale(c) { return "SUM(CAST(ROUND(\(col) * \(literal: power(p))) AS INTEGER))" }
        if dialect == .postgres && (c.type == .F || c.type == .B) { return "SUM(\(col)::numeric)" }
        return "SUM(\(col))"
    }

    // MARK: Writing the state

    var stateColumns: SQLQueryString {
        var names = ["rollup_id", "group_key", "g0", "g1", "n"]
        for (j, m) in request.measures.enumerated() {
            switch m.function {
            case .count: break
            case .sum, .avg: names += ["s\(j)", "c\(j)"]
            default: names.append("v\(j)")
            }
        }
        return names.map { "\(ident: $0)" as SQLQueryString }.joined(separator: ", ")
    }

    func groupTexts() -> [SQLQueryString] {
        (0..<2).map { i in i < request.groups.count ? aggregate.text(aggregate.groupText(request.groups[i])) : "NULL" }
    }

    /// Every group from the records: the rollup's state, written fresh (after its rows were deleted).
    func buildStatement() -> SQLQueryString {
        var select: [SQLQueryString] = ["\(bind: rollupID)", groupKey] + groupTexts() + ["COUNT(*)"]
        for m in request.measures {
            guard let c = m.column else { continue }
            switch m.function {
            case .count: break
            case .sum, .avg: select += [sumState(c), "COUNT(\(ident: c.name))"]
            default: select.append(aggregate.text(aggregate.measureValue(m)))
            }
        }
        return """
            INSERT INTO \(ident: Self.groupsTable) (\(stateColumns)) \
            SELECT \(select.joined(separator: ", ")) FROM \(aggregate.source(extra: nil, partitioned: true))\(groupBy)
            """
    }

    /// The records a maintenance step reads: stored ones picked by a condition (`matching`, e.g. the
    /// batch's keys, looked up in the primary key), or the rows a batch inserts as a relation of their
    /// own (`inserted`, read from the batch itself: no look-up at all).
    enum StepRows {
        case matching(SQLQueryString)
        case inserted(SQLQueryString)
    }

    /// `step`'s records, filtered as the aggregate filters.
    func filtered(_ step: StepRows) -> SQLQueryString {
        let filter = aggregate.query.whereClause(after: nil, dialect)
        switch step {
        case .matching(let rows): return "\(ident: aggregate.query.tables.records) WHERE \(filter) AND \(rows)"
        case .inserted(let relation): return "\(relation) WHERE \(filter)"
        }
    }

    /// Moves the groups of `step`'s records by their count and sums (`sign` −1: taken out).
    /// One grouped upsert; without groups the one row is always written (its count may move by 0).
    func deltaStatement(_ step: StepRows, sign: Int) -> SQLQueryString {
        let s: SQLQueryString = sign < 0 ? "-1 * " : ""
        var select: [SQLQueryString] = ["\(bind: rollupID)", groupKey] + groupTexts() + ["\(s)COUNT(*)"]
        var names = ["rollup_id", "group_key", "g0", "g1", "n"]
        var sets: [SQLQueryString] = ["n = \(ident: Self.groupsTable).n + excluded.n"]
        for (j, m) in request.measures.enumerated() where m.function == .sum || m.function == .avg {
            guard let c = m.column else { continue }
            select += ["\(s)\(sumState(c))", "\(s)COUNT(\(ident: c.name))"]
            names += ["s\(j)", "c\(j)"]
            sets += [
                "\(ident: "s\(j)") = COALESCE(\(ident: Self.groupsTable).\(ident: "s\(j)"), 0) + COALESCE(excluded.\(ident: "s\(j)"), 0)",
                "\(ident: "c\(j)") = COALESCE(\(ident: Self.groupsTable).\(ident: "c\(j)"), 0) + excluded.\(ident: "c\(j)")"
            ]
        }
        let columns = names.map { "\(ident: $0)" as SQLQueryString }.joined(separator: ", ")
        return """
            INSERT INTO \(ident: Self.groupsTable) (\(columns)) \
            SELECT \(select.joined(separator: ", ")) FROM \(filtered(step))\(groupBy) \
            ON CONFLICT (rollup_id, group_key) DO UPDATE SET \(sets.joined(separator: ", "))
            """
    }

    /// The keys of the groups `step`'s records fall in (for the recomputed measures).
    func touchedStatement(_ step: StepRows) -> SQLQueryString {
        "SELECT DISTINCT \(groupKey) AS k FROM \(filtered(step))"
    }

    /// Recomputes `count_distinct`, `min`, `max`, `median` and `p90` of the groups named in `keys`
    /// (a JSON array of group keys) from their records, with the direct aggregate's expressions.
    func recomputeStatement(keys: String) -> SQLQueryString {
        let listed: SQLQueryString =
            dialect == .sqlite
            ? "\(groupKey) IN (SELECT value FROM json_each(\(bind: keys)))"
            : "\(groupKey) IN (SELECT json_array_elements_text(\(bind: keys)::json))"
        var select: [SQLQueryString] = ["\(bind: rollupID)", groupKey] + groupTexts() + ["0"]
        var names = ["rollup_id", "group_key", "g0", "g1", "n"]
        var sets: [SQLQueryString] = []
        for (j, m) in request.measures.enumerated() where Self.isRecomputed(m.function) {
            select.append(aggregate.text(aggregate.measureValue(m)))
            names.append("v\(j)")
            sets.append("\(ident: "v\(j)") = excluded.\(ident: "v\(j)")")
        }
        let columns = names.map { "\(ident: $0)" as SQLQueryString }.joined(separator: ", ")
        // SQLite's upsert after a SELECT needs a WHERE to parse; the numbered rows' source has its WHERE inside.
        let source = aggregate.source(extra: listed, partitioned: true)
        let whereTrue: SQLQueryString = aggregate.numbersRows ? " WHERE true" : ""
        return """
            INSERT INTO \(ident: Self.groupsTable) (\(columns)) \
            SELECT \(select.joined(separator: ", ")) FROM \(source)\(whereTrue)\(groupBy) \
            ON CONFLICT (rollup_id, group_key) DO UPDATE SET \(sets.joined(separator: ", "))
            """
    }

    // MARK: Reading

    /// A measure's answer text from the state of slot `j`.
    func measureText(_ m: AggregateMeasure, slot j: Int) -> SQLQueryString {
        let s: SQLQueryString = "\(ident: "s\(j)")", c: SQLQueryString = "\(ident: "c\(j)")", v: SQLQueryString = "\(ident: "v\(j)")"
        switch m.function {
        case .count: return aggregate.text("n")
        case .sum:
            if let p = m.column.flatMap(scale) { return "CASE WHEN \(c) > 0 THEN CAST(\(s) AS REAL) / \(unsafeRaw: String(power(p))).0 END" }
            return aggregate.text("CASE WHEN \(c) > 0 THEN \(s) END")
        case .avg:
            if dialect == .postgres { return "(CASE WHEN \(c) > 0 THEN \(s) / \(c) END)::text" }
            let sum: SQLQueryString = m.column.flatMap(scale).map { "(CAST(\(s) AS REAL) / \(unsafeRaw: String(power($0))).0)" } ?? "CAST(\(s) AS REAL)"
            return "CASE WHEN \(c) > 0 THEN \(sum) / \(c) END"
        default: return v
        }
    }

    /// A measure as the rollup orders by it (numbers as numbers).
    func measureOrder(_ m: AggregateMeasure, slot j: Int) -> SQLQueryString {
        let s: SQLQueryString = "\(ident: "s\(j)")", c: SQLQueryString = "\(ident: "c\(j)")", v: SQLQueryString = "\(ident: "v\(j)")"
        switch m.function {
        case .count: return "n"
        case .sum: return "CASE WHEN \(c) > 0 THEN \(s) END"
        case .avg:
            return dialect == .postgres ? "CASE WHEN \(c) > 0 THEN \(s) / \(c) END" : "CASE WHEN \(c) > 0 THEN CAST(\(s) AS REAL) / \(c) END"
        case .countDistinct: return dialect == .postgres ? "(\(v))::bigint" : "CAST(\(v) AS INTEGER)"
        default: return dialect == .postgres ? "(\(v))::double precision" : "CAST(\(v) AS REAL)"
        }
    }

    /// A group as the rollup orders by it: as the direct aggregate orders its column or period.
    func groupOrder(_ i: Int) -> SQLQueryString {
        let g = request.groups[i]
        let text: SQLQueryString = "\(ident: "g\(i)")"
        guard g.bucket == nil else { return text }
        switch (dialect, g.column.type) {
        case (.sqlite, .I), (.sqlite, .N), (.sqlite, .Y), (.sqlite, .F), (.sqlite, .B): return "CAST(\(text) AS REAL)"
        case (.postgres, .I), (.postgres, .N), (.postgres, .Y), (.postgres, .F), (.postgres, .B): return "(\(text))::numeric"
        case (.postgres, .D): return "(\(text))::date"
        case (.postgres, .T): return "(\(text))::timestamp"
        default: return text
        }
    }

    /// The groups of a rollup for a request (same groups, measures in any order of the spec's), in the
    /// request's order, at most `limit`, read only if the rollup is ready and covers the store's last change:
    /// one statement, so the check and the groups are one snapshot. Columns: ``readNames(_:)``.
    /// - Parameter slots: for each request measure, its slot in the rollup.
    func readStatement(_ asked: AggregateRequest, slots: [Int], limit: Int) -> SQLQueryString {
        var select: [SQLQueryString] = (0..<asked.groups.count).map { "\(ident: "g\($0)") AS \(ident: "_g\($0)")" }
        select.append("\(aggregate.text("n")) AS _n")
        for (i, m) in asked.measures.enumerated() {
            let j = slots[i]
            select.append("\(measureText(m, slot: j)) AS \(ident: "_m\(i)")")
            // A sum's state (NULL without values), for the other row of `top=N`.
            let state: SQLQueryString = m.function == .sum ? aggregate.text("CASE WHEN \(ident: "c\(j)") > 0 THEN \(ident: "s\(j)") END") : "NULL"
            select.append("\(state) AS \(ident: "_s\(i)")")
        }
        var order: [SQLQueryString] = []
        if let sort = asked.effectiveSort {
            let e: SQLQueryString
            switch sort.key {
            case .group(let i): e = groupOrder(i)
            case .measure(let i): e = measureOrder(asked.measures[i], slot: slots[i])
            }
            order.append("\(e) \(unsafeRaw: sort.descending ? "DESC" : "ASC") NULLS LAST")
        }
        order += asked.groups.indices.map { "\(groupOrder($0)) ASC NULLS LAST" as SQLQueryString }
        let ordered: SQLQueryString = order.isEmpty ? "" : " ORDER BY \(order.joined(separator: ", "))"
        return """
            SELECT \(select.joined(separator: ", ")) FROM \(ident: Self.groupsTable) \
            WHERE rollup_id = \(bind: rollupID) AND EXISTS (SELECT 1 FROM aggregate_rollups AS r JOIN record_stores AS s \
            ON s.resource_code = r.resource_code AND s.last_seq = r.covered_seq WHERE r.id = \(bind: rollupID) AND r.state = 'ready')\
            \(ordered) LIMIT \(literal: limit)
            """
    }

    static func readNames(_ asked: AggregateRequest) -> [String] {
        asked.groups.indices.map { "_g\($0)" } + ["_n"] + asked.measures.indices.flatMap { ["_m\($0)", "_s\($0)"] }
    }
}
