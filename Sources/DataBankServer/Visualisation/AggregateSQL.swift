import SQLKit
import DataBankCore

/// An aggregate as SQL for either dialect: one `GROUP BY` over the record table, filtered by the
/// records query's own conditions (``RecordQuery/whereClause(after:_:)``: the caller's filters and
/// a grant's row scope), so only the groups leave the database.
///
/// `median` and `p90` are PostgreSQL's `percentile_cont`; SQLite has no such aggregate, so there
/// the rows are numbered within their group by window functions (`ROW_NUMBER`, `COUNT` over the
/// group) and the aggregate picks the rows at `p·(n−1)` and interpolates exactly as
/// `percentile_cont` does: the same answers on both.
struct AggregateSQL: Sendable {
    let request: AggregateRequest
    let query: RecordQuery
    let dialect: RecordTables.Dialect

    /// What a NULL group key is compared as when groups are matched again (the other row): a text no
    /// canonical value holds.
    static let nullKey = "\u{1F}null\u{1F}"

    // MARK: Expressions

    /// A group's value as grouped and sorted: the item itself, or its period as text.
    func groupValue(_ g: AggregateGroup) -> SQLQueryString {
        let c: SQLQueryString = "\(ident: g.column.name)"
        guard let bucket = g.bucket else { return c }
        switch (dialect, bucket) {
        case (.sqlite, .day): return "substr(\(c), 1, 10)"
        case (.sqlite, .month): return "substr(\(c), 1, 7)"
        case (.sqlite, .year): return "substr(\(c), 1, 4)"
        case (.sqlite, .quarter): return "(substr(\(c), 1, 4) || '-Q' || ((CAST(substr(\(c), 6, 2) AS INTEGER) + 2) / 3))"
        // The Monday that starts the ISO week: forward to Sunday (or stay), then back six days.
        case (.sqlite, .week): return "date(substr(\(c), 1, 10), 'weekday 0', '-6 days')"
        case (.postgres, .day): return "to_char(\(c), 'YYYY-MM-DD')"
        case (.postgres, .month): return "to_char(\(c), 'YYYY-MM')"
        case (.postgres, .year): return "to_char(\(c), 'YYYY')"
        case (.postgres, .quarter): return "to_char(\(c), 'YYYY-\"Q\"Q')"
        case (.postgres, .week): return "to_char(date_trunc('week', \(c)), 'YYYY-MM-DD')"
        // The hour of the day: the canonical date-time's characters 12–13 ("2026-03-01 08:15:00").
        case (.sqlite, .hour): return "substr(\(c), 12, 2)"
        case (.postgres, .hour): return "to_char(\(c), 'HH24')"
        }
    }

    /// A group's value as the answer's text (canonical values; periods are text already).
    func groupText(_ g: AggregateGroup) -> SQLQueryString {
        g.bucket == nil ? RecordQuery.textValue(g.column, dateTimeSeparator: "T", dialect) : groupValue(g)
    }

    /// The group's text with NULL as ``nullKey``: what the other row's statement matches groups on.
    func groupKey(_ g: AggregateGroup) -> SQLQueryString { "COALESCE(\(groupText(g)), \(literal: Self.nullKey))" }

    /// The items the percentile measures number rows by (SQLite), once each.
    var percentileColumns: [RecordLayout.Column] {
        var out: [RecordLayout.Column] = []
        for m in request.measures where m.function.percentile != nil {
            if let c = m.column, !out.contains(where: { $0.name == c.name }) { out.append(c) }
        }
        return out
    }

    var numbersRows: Bool { dialect == .sqlite && !percentileColumns.isEmpty }

    /// A measure as an aggregate expression, in its own type.
    func measureValue(_ m: AggregateMeasure) -> SQLQueryString {
        guard let column = m.column else { return "COUNT(*)" }
        let c: SQLQueryString = "\(ident: column.name)"
        switch m.function {
        case .count: return "COUNT(*)"
        case .countDistinct: return "COUNT(DISTINCT \(c))"
        case .sum: return "SUM(\(c))"
        case .avg: return dialect == .sqlite ? "AVG(CAST(\(c) AS REAL))" : "AVG(\(c))"
        case .min: return "MIN(\(c))"
        case .max: return "MAX(\(c))"
        case .median, .p90:
            // A constant of the function (0.5 or 0.9), never the caller's text.
            let p = String(m.function.percentile ?? 0.5)
            if dialect == .postgres { return "percentile_cont(\(unsafeRaw: p)) WITHIN GROUP (ORDER BY \(c)::double precision)" }
            let j = percentileColumns.firstIndex { $0.name == column.name } ?? 0
            let rn: SQLQueryString = "\(ident: "_rn\(j)")"
            let n: SQLQueryString = "\(ident: "_c\(j)")"
            // h = p·(n−1): the value at row ⌊h⌋+1 plus (h−⌊h⌋) of the step to the next row (none when h is whole).
            let h: SQLQueryString = "(\(unsafeRaw: p) * (\(n) - 1))"
            let lo: SQLQueryString = "(CAST(\(h) AS INTEGER) + 1)"
            let low: SQLQueryString = "MAX(CASE WHEN \(rn) = \(lo) THEN CAST(\(c) AS REAL) END)"
            let high: SQLQueryString = "MAX(CASE WHEN \(rn) = \(lo) + 1 THEN CAST(\(c) AS REAL) END)"
            return "(\(low) + (MAX(\(h)) - MAX(CAST(\(h) AS INTEGER))) * (COALESCE(\(high), \(low)) - \(low)))"
        }
    }

    /// An expression read back as text (PostgreSQL's rows are decoded as text; SQLite's are converted).
    func text(_ e: SQLQueryString) -> SQLQueryString { dialect == .postgres ? "(\(e))::text" : e }

    // MARK: Statements

    /// The rows aggregated: the record table filtered (and `extra`), or on SQLite with percentiles, the
    /// filtered rows with their numbers within the group.
    func source(extra: SQLQueryString?, partitioned: Bool) -> SQLQueryString {
        var filter = query.whereClause(after: nil, dialect)
        if let extra { filter = "\(filter) AND \(extra)" }
        let records: SQLQueryString = "\(ident: query.tables.records)"
        guard numbersRows else { return "\(records) WHERE \(filter)" }
        var names: [String] = []
        for name in request.groups.map(\.column.name) + request.measures.compactMap(\.column?.name) where !names.contains(name) { names.append(name) }
        let partition: SQLQueryString =
            partitioned && !request.groups.isEmpty ? "PARTITION BY \(request.groups.map(groupValue).joined(separator: ", "))" : ""
        let windows = percentileColumns.enumerated().map { j, c -> SQLQueryString in
            """
            ROW_NUMBER() OVER (\(partition) ORDER BY \(ident: c.name) NULLS LAST) AS \(ident: "_rn\(j)"), \
            COUNT(\(ident: c.name)) OVER (\(partition)) AS \(ident: "_c\(j)")
            """
        }
        let select = (names.map { "\(ident: $0)" as SQLQueryString } + windows).joined(separator: ", ")
        return "(SELECT \(select) FROM \(records) WHERE \(filter)) AS _w"
    }

    /// The aggregate's order: the asked sort first, then the groups ascending; NULLs last on both.
    var orderBy: SQLQueryString {
        var parts: [SQLQueryString] = []
        if let sort = request.effectiveSort {
            let e: SQLQueryString
            switch sort.key {
            case .group(let i): e = groupValue(request.groups[i])
            case .measure(let i): e = measureValue(request.measures[i])
            }
            parts.append("\(e) \(unsafeRaw: sort.descending ? "DESC" : "ASC") NULLS LAST")
        }
        parts += request.groups.map { "\(groupValue($0)) ASC NULLS LAST" as SQLQueryString }
        return parts.joined(separator: ", ")
    }

    /// The aliases of ``groupsStatement(limit:)``'s select list, in order.
    var groupNames: [String] { request.groups.indices.map { "_g\($0)" } + ["_n"] + request.measures.indices.map { "_m\($0)" } }

    /// Every group (at most `limit`), in order: keys as text, the record count, the measures.
    func groupsStatement(limit: Int) -> SQLQueryString {
        let select =
            request.groups.enumerated().map { i, g in "\(text(groupText(g))) AS \(ident: "_g\(i)")" as SQLQueryString }
            + ["\(text("COUNT(*)")) AS _n"]
            + request.measures.enumerated().map { i, m in "\(text(measureValue(m))) AS \(ident: "_m\(i)")" as SQLQueryString }
        var statement: SQLQueryString = "SELECT \(select.joined(separator: ", ")) FROM \(source(extra: nil, partitioned: true))"
        if !request.groups.isEmpty {
            statement = "\(statement) GROUP BY \(request.groups.map(groupValue).joined(separator: ", ")) ORDER BY \(orderBy)"
        }
        return "\(statement) LIMIT \(literal: limit)"
    }

    /// How many groups the filter makes (asked only when the limit is crossed, to say by how much).
    func countGroupsStatement() -> SQLQueryString {
        "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM \(source(extra: nil, partitioned: false)) GROUP BY \(request.groups.map(groupValue).joined(separator: ", "))) AS _g"
    }

    /// The measures over the records of some groups: those whose keys are in `keys` (or, `excluding`,
    /// not in them). The other row of `top=N`.
    func otherStatement(keys: [[String?]], excluding: Bool) -> SQLQueryString {
        let tuple: SQLQueryString =
            request.groups.count == 1 ? groupKey(request.groups[0]) : "(\(request.groups.map(groupKey).joined(separator: ", ")))"
        let listed: SQLQueryString
        if request.groups.count == 1 {
            listed = keys.map { "\(bind: $0[0] ?? Self.nullKey)" as SQLQueryString }.joined(separator: ", ")
        } else {
            let rows = keys.map { k in "(\(k.map { "\(bind: $0 ?? Self.nullKey)" as SQLQueryString }.joined(separator: ", ")))" as SQLQueryString }
            listed = "VALUES \(rows.joined(separator: ", "))"
        }
        let condition: SQLQueryString = "\(tuple) \(unsafeRaw: excluding ? "NOT IN" : "IN") (\(listed))"
        let select = request.measures.enumerated().map { i, m in "\(text(measureValue(m))) AS \(ident: "_m\(i)")" as SQLQueryString }
        return "SELECT \(select.joined(separator: ", ")) FROM \(source(extra: condition, partitioned: false))"
    }

    var measureNames: [String] { request.measures.indices.map { "_m\($0)" } }
}
