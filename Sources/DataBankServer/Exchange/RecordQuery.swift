import Fluent
import SQLKit
import Vapor
import DataBankCore

/// A read of a record store: filters, chosen fields, sort and a keyset cursor, turned into
/// SQL for either dialect. Rows come back already rendered as JSON objects by the database
/// (`json_object` / `json_build_object`), so a page is concatenated, not re-encoded.
struct RecordQuery: Sendable {
    let tables: RecordTables
    let layout: RecordLayout
    let conditions: [RecordCondition]
    let fields: [RecordLayout.Column]
    /// The order: an optional leading column, then the key; the cursor holds these values.
    let order: [RecordLayout.Column]
    let descending: Bool
    /// A consumer's grant: its columns, its row scope (added to `conditions`) and its masks.
    let view: GrantView?
    /// Substring searches: a row matches each when one of its columns contains the text (CKAN's
    /// `datastore_search` `q`); only columns the reader sees in clear are ever searched.
    let textSearches: [TextSearch]

    struct TextSearch: Hashable, Sendable {
        var columns: [RecordLayout.Column]
        var text: String
    }

    static let maxPage = 10_000

    /// The column holding the subject's key of a subject-visible store (我的数据): when set, pages read
    /// its stored value too (``pageWithSubjects(after:limit:offset:on:)``), so the audit records whom a
    /// read returned without another query.
    var subjectColumn: RecordLayout.Column?

    /// - Parameter keyLookup: the parameters address one record by its key (a consumer's grant must
    ///   show the key in clear: a masked key cannot be probed by lookups).
    /// - Parameter conditions: conditions already parsed (CKAN's `filters`), checked against the view like the parameters.
    /// - Parameter textSearches: substring searches; their columns must be shown in clear to the reader.
    init(
        store: RecordStoreRow, params: [(String, String)], fields: String?, sort: String?, view: GrantView? = nil, keyLookup: Bool = false,
        conditions extra: [RecordCondition] = [], textSearches: [TextSearch] = []
    ) throws {
        tables = store.tables
        layout = store.recordLayout
        self.view = view
        var parsed: [RecordCondition]
        switch RecordFilter.parse(params, layout: layout) {
        case .success(let c): parsed = c + extra
        case .failure(let e): throw AppError(.badRequest, e.code, e.messageEn, details: [e])
        }
        if let view {
            for search in textSearches {
                for c in search.columns { try view.requireClear(c.name, parameter: "q") }
            }
        }
        self.textSearches = textSearches
        if let view {
            // Addressing a record by a masked key would let a consumer probe clear keys (200 or 404):
            // a key lookup, like any filter, needs the key in clear.
            for c in parsed { try view.requireClear(c.column.name, parameter: keyLookup ? "key" : c.column.name) }
            parsed += view.conditions
        }
        conditions = parsed
        if let fields, !fields.isEmpty {
            var chosen: [RecordLayout.Column] = []
            for name in fields.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard let c = layout.column(named: name) else {
                    throw AppError.field(.badRequest, "unknown_field", "fields", zh: "未知字段：\(name)", en: "Unknown field \(name)")
                }
                if let view, !view.columnNames.contains(name) {
                    throw AppError.field(.forbidden, "item_not_granted", "fields", zh: "授权范围不含数据项：\(name)", en: "Your grant does not include the item \(name)")
                }
                chosen.append(c)
            }
            self.fields = chosen
        } else {
            self.fields = view?.columns ?? layout.columns
        }
        var order = layout.keyColumns
        var descending = false
        if let sort, !sort.isEmpty {
            descending = sort.hasPrefix("-")
            let name = descending ? String(sort.dropFirst()) : sort
            guard let c = layout.column(named: name) else {
                throw AppError.field(.badRequest, "invalid_sort", "sort", zh: "未知排序字段：\(name)", en: "Unknown sort column \(name)")
            }
            // Keyset paging compares rows by value; a column with empty values cannot be paged that way.
            guard c.required || c.primaryKey else {
                throw AppError.field(
                    .badRequest, "invalid_sort", "sort", zh: "只能按必填项或主键排序：\(name)",
                    en: "Sort by a required or key column; \(name) may be empty, which keyset paging cannot order")
            }
            if let view { try view.requireClear(name, parameter: "sort") }
            if !c.primaryKey { order.insert(c, at: 0) }
        }
        self.order = order
        self.descending = descending
    }

    // MARK: SQL

    func value(_ text: String, _ c: RecordLayout.Column, _ dialect: RecordTables.Dialect) -> SQLQueryString {
        Self.typedValue(text, c, dialect)
    }

    /// A canonical text bound as the column's type, so comparisons use the column's index.
    static func typedValue(_ text: String, _ c: RecordLayout.Column, _ dialect: RecordTables.Dialect) -> SQLQueryString {
        switch dialect {
        case .postgres: return "\(bind: text)::\(unsafeRaw: RecordTables.columnType(c, .postgres))"
        case .sqlite:
            if c.type == .L { return "\(literal: text == "true" ? 1 : 0)" }
            return "\(bind: text)"
        }
    }

    func whereClause(after cursor: [String]?, _ dialect: RecordTables.Dialect) -> SQLQueryString {
        var parts: [SQLQueryString] = ["1 = 1"]
        for c in conditions {
            let col: SQLQueryString = "\(ident: c.column.name)"
            switch c.op {
            case .eq: parts.append("\(col) = \(value(c.values[0], c.column, dialect))")
            case .ne: parts.append("\(col) <> \(value(c.values[0], c.column, dialect))")
            case .gt: parts.append("\(col) > \(value(c.values[0], c.column, dialect))")
            case .gte: parts.append("\(col) >= \(value(c.values[0], c.column, dialect))")
            case .lt: parts.append("\(col) < \(value(c.values[0], c.column, dialect))")
            case .lte: parts.append("\(col) <= \(value(c.values[0], c.column, dialect))")
            case .between:
                parts.append("\(col) BETWEEN \(value(c.values[0], c.column, dialect)) AND \(value(c.values[1], c.column, dialect))")
            case .in:
                parts.append("\(col) IN (\(c.values.map { value($0, c.column, dialect) }.joined(separator: ", ")))")
            case .isnull: parts.append(c.values[0] == "true" ? "\(col) IS NULL" : "\(col) IS NOT NULL")
            case .prefix:
                let escaped = c.values[0].replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_")
                let text: SQLQueryString = dialect == .postgres ? "\(col)::text" : "CAST(\(col) AS TEXT)"
                parts.append("\(text) LIKE \(bind: escaped + "%") ESCAPE '\\'")
            }
        }
        for search in textSearches {
            guard !search.columns.isEmpty else { parts.append("1 = 0"); continue }  // nothing searchable: no match
            let escaped = search.text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            // Case-insensitive for ASCII on both: SQLite's LIKE already is, PostgreSQL's ILIKE is the same (and folds more).
            let any = search.columns.map { c -> SQLQueryString in
                switch dialect {
                case .postgres: return "\(ident: c.name)::text ILIKE \(bind: "%" + escaped + "%") ESCAPE '\\'"
                case .sqlite: return "CAST(\(ident: c.name) AS TEXT) LIKE \(bind: "%" + escaped + "%") ESCAPE '\\'"
                }
            }
            parts.append("(\(any.joined(separator: " OR ")))")
        }
        if let cursor, cursor.count == order.count {
            let lhs = order.map { "\(ident: $0.name)" as SQLQueryString }.joined(separator: ", ")
            let rhs = zip(cursor, order).map { value($0, $1, dialect) }.joined(separator: ", ")
            parts.append("(\(lhs)) \(unsafeRaw: descending ? "<" : ">") (\(rhs))")
        }
        return parts.joined(separator: " AND ")
    }

    var orderBy: SQLQueryString {
        order.map { "\(ident: $0.name)\(unsafeRaw: descending ? " DESC" : "")" as SQLQueryString }.joined(separator: ", ")
    }

    /// The row as one JSON object text, built by the database.
    func jsonExpression(_ dialect: RecordTables.Dialect, of fields: [RecordLayout.Column]? = nil) -> SQLQueryString {
        Self.rowJSON(fields ?? self.fields, dialect)
    }

    /// A row of these columns as one JSON object text, built by the database.
    static func rowJSON(_ fields: [RecordLayout.Column], _ dialect: RecordTables.Dialect) -> SQLQueryString {
        if fields.isEmpty { return "'{}'" }
        switch dialect {
        case .sqlite:
            let pairs = fields.map { c -> SQLQueryString in
                let v: SQLQueryString =
                    c.type == .L
                    ? "CASE WHEN \(ident: c.name) IS NULL THEN NULL ELSE json(CASE WHEN \(ident: c.name) THEN 'true' ELSE 'false' END) END"
                    : "\(ident: c.name)"
                return "\(literal: c.name), \(v)"
            }
            return "json_object(\(pairs.joined(separator: ", ")))"
        case .postgres:
            // json_build_object takes at most 100 arguments: build in groups of 50 pairs and merge.
            let groups = stride(from: 0, to: fields.count, by: 50).map { Array(fields[$0..<min($0 + 50, fields.count)]) }
            let objects = groups.map { g in
                "jsonb_build_object(\(g.map { "\(literal: $0.name), \(ident: $0.name)" as SQLQueryString }.joined(separator: ", ")))" as SQLQueryString
            }
            return "(\(objects.joined(separator: " || ")))::text"
        }
    }

    /// A column read back as canonical text (booleans `true`/`false`, dates `YYYY-MM-DD`, date-times
    /// with `dateTimeSeparator`), named `alias`: what cursors, CSV cells and masking work on.
    static func text(_ c: RecordLayout.Column, as alias: String, dateTimeSeparator: String, _ dialect: RecordTables.Dialect) -> SQLQueryString {
        "\(textValue(c, dateTimeSeparator: dateTimeSeparator, dialect)) AS \(ident: alias)"
    }

    /// ``text(_:as:dateTimeSeparator:_:)``'s expression, unnamed.
    static func textValue(_ c: RecordLayout.Column, dateTimeSeparator: String, _ dialect: RecordTables.Dialect) -> SQLQueryString {
        switch (dialect, c.type) {
        case (.sqlite, .L): return "CASE WHEN \(ident: c.name) IS NULL THEN NULL WHEN \(ident: c.name) THEN 'true' ELSE 'false' END"
        case (.sqlite, _): return "CAST(\(ident: c.name) AS TEXT)"
        case (.postgres, .T):
            return "to_char(\(ident: c.name), \(literal: dateTimeSeparator == "T" ? "YYYY-MM-DD\"T\"HH24:MI:SS" : "YYYY-MM-DD HH24:MI:SS"))"
        case (.postgres, .D): return "to_char(\(ident: c.name), 'YYYY-MM-DD')"
        case (.postgres, _): return "\(ident: c.name)::text"
        }
    }

    /// A column as one CSV field, quoted by the database exactly as ``CSVText`` quotes: NULL is
    /// empty, a value holding a comma, a double quote, CR or LF is quoted with its quotes doubled.
    /// Only free text is checked: numbers, dates, date-times and booleans are read back as canonical
    /// text (``textValue(_:dateTimeSeparator:_:)``), which holds none of those characters.
    static func csvField(_ c: RecordLayout.Column, _ dialect: RecordTables.Dialect) -> SQLQueryString {
        let v = textValue(c, dateTimeSeparator: " ", dialect)
        guard [.C, .M, .G].contains(c.type) else { return "coalesce(\(v), '')" }
        // One GLOB (SQLite) or regex (PostgreSQL) match: on SQLite it costs less than four instr() searches (measured).
        let needsQuotes: SQLQueryString = dialect == .sqlite ? "\(v) GLOB ('*[,\"' || char(10, 13) || ']*')" : "\(v) ~ ('[,\"' || chr(10) || chr(13) || ']')"
        return "CASE WHEN \(needsQuotes) THEN '\"' || replace(\(v), '\"', '\"\"') || '\"' ELSE coalesce(\(v), '') END"
    }

    /// The cursor columns as text, so the next page can start after this row.
    func cursorExpressions(_ dialect: RecordTables.Dialect) -> SQLQueryString {
        order.enumerated().map { i, c in Self.text(c, as: "_k\(i)", dateTimeSeparator: "T", dialect) }.joined(separator: ", ")
    }

    /// `SELECT select FROM` the records, filtered, ordered and limited. With an offset, the rows
    /// skipped are counted off on their keys alone (the filter's index or the key's b-tree covers
    /// them, so skipping reads no whole record) and only the page's own rows are read whole.
    func pageStatement(_ select: SQLQueryString, after cursor: [String]?, limit: Int, offset: Int, _ dialect: RecordTables.Dialect) -> SQLQueryString {
        let records: SQLQueryString = "\(ident: tables.records)"
        let filter = whereClause(after: cursor, dialect)
        guard offset > 0 else { return "SELECT \(select) FROM \(records) WHERE \(filter) ORDER BY \(orderBy) LIMIT \(literal: limit)" }
        let keys = layout.keyColumns.map { "\(ident: $0.name)" as SQLQueryString }.joined(separator: ", ")
        let key: SQLQueryString = layout.keyColumns.count == 1 ? keys : "(\(keys))"
        return """
            SELECT \(select) FROM \(records) WHERE \(key) IN (
                SELECT \(keys) FROM \(records) WHERE \(filter) ORDER BY \(orderBy) LIMIT \(literal: limit)\(Self.offsetClause(offset)))
            ORDER BY \(orderBy)
            """
    }

    /// The aliases of the cursor columns (``cursorExpressions(_:)``).
    var cursorNames: [String] { order.indices.map { "_k\($0)" } }

    /// The cursor after a page: its last row's cursor cells, when the page was full.
    func nextCursor(_ last: [String?]?, rows: Int, limit: Int) -> [String]? {
        guard rows == limit, let last else { return nil }
        return last.suffix(order.count).map { $0 ?? "" }
    }

    /// One page: JSON object texts and the cursor of the last row.
    func page(after cursor: [String]?, limit: Int, offset: Int = 0, on sql: any SQLDatabase) async throws -> (rows: [String], next: [String]?) {
        let page = try await pageWithSubjects(after: cursor, limit: limit, offset: offset, on: sql)
        return (page.rows, page.next)
    }

    /// ``page(after:limit:offset:on:)``, with each row's subject key when ``subjectColumn`` is set (else none).
    func pageWithSubjects(after cursor: [String]?, limit: Int, offset: Int = 0, on sql: any SQLDatabase) async throws -> (
        rows: [String], next: [String]?, subjects: [String]
    ) {
        if let view, !view.showsClearValues { return try await maskedPage(view, after: cursor, limit: limit, offset: offset, on: sql) }
        let dialect = RecordTables.Dialect(sql)
        let json = RowJSONText.expression(fields, on: sql)
        let statement = pageStatement(
            "\(json) AS j\(subjectSelect(dialect)), \(cursorExpressions(dialect))", after: cursor, limit: limit, offset: offset, dialect)
        let page = RecordTextRows.Collector((rows: [String](), last: [String?]?.none, subjects: [String]()))
        page.value.rows.reserveCapacity(limit)
        let subjects = subjectColumn != nil
        try await RecordTextRows.run(statement, names: ["j"] + subjectNames + cursorNames, on: sql) { cells in
            page.value.rows.append(cells[0] ?? "{}")
            if subjects, let key = cells[1] { page.value.subjects.append(key) }
            page.value.last = cells
        }
        return (page.value.rows, nextCursor(page.value.last, rows: page.value.rows.count, limit: limit), page.value.subjects)
    }

    /// One page as CSV cells (text), for exports; with each row's subject key when ``subjectColumn`` is set.
    func csvPage(after cursor: [String]?, limit: Int, offset: Int = 0, on sql: any SQLDatabase) async throws -> (
        rows: [[String?]], next: [String]?, subjects: [String]
    ) {
        var page = try await cellPage(after: cursor, limit: limit, offset: offset, dateTimeSeparator: " ", on: sql)
        if let view {
            // Only the masked columns are touched, and their rules are looked up once per page.
            let today = GrantAccess.today()
            let masked = fields.indices.compactMap { i in view.rule(fields[i].name) == .clear ? nil : (i, view.rule(fields[i].name)) }
            for r in page.rows.indices {
                for (i, rule) in masked { page.rows[r][i] = view.mask(page.rows[r][i], rule: rule, column: fields[i].name, today: today) }
            }
        }
        return page
    }

    /// The select list of a page of cells: the fields as text (`_c0`…), the subject (`_s`) when `subjects` and
    /// the store is subject-visible, then the cursor (`_k0`…).
    func cellSelect(dateTimeSeparator: String, _ dialect: RecordTables.Dialect, subjects: Bool = false) -> SQLQueryString {
        let cells = fields.enumerated().map { i, c in Self.text(c, as: "_c\(i)", dateTimeSeparator: dateTimeSeparator, dialect) }
        return (cells + (subjects ? subjectCells(dialect) : []) + [cursorExpressions(dialect)]).joined(separator: ", ")
    }

    /// One page of cells as text, and the cursor of its last row (and the rows' subject keys, when
    /// ``subjectColumn`` is set: read after the fields, before the cursor).
    func cellPage(after cursor: [String]?, limit: Int, offset: Int = 0, dateTimeSeparator: String, on sql: any SQLDatabase) async throws -> (
        rows: [[String?]], next: [String]?, subjects: [String]
    ) {
        let dialect = RecordTables.Dialect(sql)
        let select = cellSelect(dateTimeSeparator: dateTimeSeparator, dialect, subjects: true)
        let statement = pageStatement(select, after: cursor, limit: limit, offset: offset, dialect)
        let width = fields.count
        let subjects = subjectColumn != nil
        let page = RecordTextRows.Collector((rows: [[String?]](), last: [String?]?.none, subjects: [String]()))
        page.value.rows.reserveCapacity(limit)
        try await RecordTextRows.run(statement, names: fields.indices.map { "_c\($0)" } + subjectNames + cursorNames, on: sql) { cells in
            page.value.rows.append(Array(cells.prefix(width)))
            if subjects, let key = cells[width] { page.value.subjects.append(key) }
            page.value.last = cells
        }
        return (page.value.rows, nextCursor(page.value.last, rows: page.value.rows.count, limit: limit), page.value.subjects)
    }

    /// One page written as CSV lines (the bytes ``CSVText`` writes) with no string per cell: the
    /// database renders each run of clear fields as one CSV fragment (``csvField(_:_:)``), and only
    /// masked fields come back as cells, are masked here and written quoted as needed. For downloads.
    func csvBytes(after cursor: [String]?, limit: Int, on sql: any SQLDatabase) async throws -> (bytes: ByteBuffer, next: [String]?) {
        let dialect = RecordTables.Dialect(sql)
        let parts = csvParts
        let select = parts.enumerated().map { p, part -> SQLQueryString in
            switch part {
            case .clear(let run): return "\(run.map { Self.csvField(fields[$0], dialect) }.joined(separator: " || ',' || ")) AS \(ident: "_p\(p)")"
            case .masked(let i, _): return Self.text(fields[i], as: "_p\(p)", dateTimeSeparator: " ", dialect)
            }
        }
        let statement = pageStatement((select + [cursorExpressions(dialect)]).joined(separator: ", "), after: cursor, limit: limit, offset: 0, dialect)
        let today = GrantAccess.today()
        let view = self.view
        let names = fields.map(\.name)
        let page = RecordTextRows.Collector((bytes: ByteBufferAllocator().buffer(capacity: limit * 160), rows: 0, last: [String?]?.none))
        try await RecordTextRows.run(statement, names: parts.indices.map { "_p\($0)" } + cursorNames, on: sql) { cells in
            for (p, part) in parts.enumerated() {
                if p > 0 { page.value.bytes.writeInteger(UInt8(ascii: ",")) }
                switch part {
                case .clear: if let fragment = cells[p] { page.value.bytes.writeString(fragment) }
                case .masked(let i, let rule): CSVBytes.appendField(view?.mask(cells[p], rule: rule, column: names[i], today: today), to: &page.value.bytes)
                }
            }
            page.value.bytes.writeInteger(UInt8(ascii: "\r"))
            page.value.bytes.writeInteger(UInt8(ascii: "\n"))
            page.value.rows += 1
            page.value.last = cells
        }
        return (page.value.bytes, nextCursor(page.value.last, rows: page.value.rows, limit: limit))
    }

    /// A CSV line's pieces in field order: runs of fields shown as stored, and masked fields one by one.
    enum CSVPart: Sendable {
        case clear([Int])
        case masked(Int, MaskRule)
    }

    var csvParts: [CSVPart] {
        var parts: [CSVPart] = []
        for (i, c) in fields.enumerated() {
            let rule = view?.rule(c.name) ?? .clear
            if rule != .clear {
                parts.append(.masked(i, rule))
            } else if case .clear(let run) = parts.last {
                parts[parts.count - 1] = .clear(run + [i])
            } else {
                parts.append(.clear([i]))
            }
        }
        return parts
    }

    /// A consumer's page with masks applied: the database renders the clear items as JSON, as
    /// for the provider; only the masked items come back as cells, are masked here, and are
    /// added to each object (a masked value is always a string).
    func maskedPage(_ view: GrantView, after cursor: [String]?, limit: Int, offset: Int = 0, on sql: any SQLDatabase) async throws -> (
        rows: [String], next: [String]?, subjects: [String]
    ) {
        let dialect = RecordTables.Dialect(sql)
        let clear = fields.filter { view.rule($0.name) == .clear }
        let masked = fields.filter { view.rule($0.name) != .clear }
        let cells = masked.enumerated().map { i, c in Self.text(c, as: "_m\(i)", dateTimeSeparator: "T", dialect) }
        let select = (["\(jsonExpression(dialect, of: clear)) AS j"] + cells + subjectCells(dialect) + [cursorExpressions(dialect)]).joined(
            separator: ", ")
        let statement = pageStatement(select, after: cursor, limit: limit, offset: offset, dialect)
        let today = GrantAccess.today()
        let keys = masked.map { Array(("\"" + $0.name + "\":").utf8) }  // identifiers: nothing to escape
        let page = RecordTextRows.Collector((rows: [String](), last: [String?]?.none, subjects: [String]()))
        page.value.rows.reserveCapacity(limit)
        // The subject's key, before the cursor cells (which end the row), when the store is subject-visible.
        let subjectCell = subjectColumn.map { _ in 1 + masked.count }
        try await RecordTextRows.run(statement, names: ["j"] + masked.indices.map { "_m\($0)" } + subjectNames + cursorNames, on: sql) { row in
            if let subjectCell, let key = row[subjectCell] { page.value.subjects.append(key) }
            var object = Array((row[0] ?? "{}").utf8)
            object.removeLast()  // the closing brace
            for (i, c) in masked.enumerated() {
                if object.count > 1 { object.append(UInt8(ascii: ",")) }
                object.append(contentsOf: keys[i])
                if let shown = view.mask(row[1 + i], column: c.name, today: today) {
                    var v = shown
                    v.withUTF8 { FieldConverter.appendString($0, to: &object) }
                } else {
                    object.append(contentsOf: "null".utf8)
                }
            }
            object.append(UInt8(ascii: "}"))
            page.value.rows.append(String(decoding: object, as: UTF8.self))
            page.value.last = row
        }
        return (page.value.rows, nextCursor(page.value.last, rows: page.value.rows.count, limit: limit), page.value.subjects)
    }

    func count(on sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: tables.records) WHERE \(whereClause(after: nil, RecordTables.Dialect(sql)))")
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// `OFFSET n` when n > 0: the rows skipped are still read (CKAN's `offset`; keyset paging with
    /// a cursor is what stays fast at depth).
    static func offsetClause(_ offset: Int) -> SQLQueryString { offset > 0 ? " OFFSET \(literal: offset)" : "" }

    /// A stable description of the filter, for caching totals.
    var signature: String {
        let filters = conditions.map { "\($0.column.name)__\($0.op.rawValue)=\($0.values.joined(separator: ","))" }.sorted().joined(separator: "&")
        guard !textSearches.isEmpty else { return filters }
        return filters + "#q:" + textSearches.map { "\($0.columns.map(\.name).joined(separator: ","))~\($0.text)" }.joined(separator: "&")
    }
}
