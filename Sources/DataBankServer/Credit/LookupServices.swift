import Fluent
import Foundation
import SQLKit
import Vapor
import DataBankCore

/// Running look-ups: every record read goes through the public read decision
/// (``StoreReading/readAsPublic(_:code:)``), so a hit shows each item under the portal's default
/// mask; each look-up is audited (`open.lookup`) and counted on its service by one UPDATE.
enum LookupServices {
    /// The most hits a look-up answers.
    static let limit = 20
    /// The longest text a visitor may look up.
    static let maxText = 50

    /// The service named `code` whose dataset the portal still opens to anyone, else 404.
    static func find(_ code: String, on db: any Database) async throws -> LookupServiceRow {
        guard let s = try await LookupServiceRow.find(code, on: db) else { throw unknown(code) }
        return s
    }

    static func unknown(_ code: String) -> AppError {
        AppError.field(.notFound, "unknown_lookup", "service", zh: "没有此查询服务：\(code)", en: "No look-up service \(code)")
    }

    /// The text to look up from `q`: 400 naming `q` when it is missing, too short or too long.
    static func text(_ req: Request) throws -> String {
        let q = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !q.isEmpty else {
            throw AppError.field(.badRequest, "missing_key", "q", zh: "请填写查询内容（统一社会信用代码或名称）", en: "Enter what to look up (a credit code or a name)")
        }
        guard q.count <= maxText else {
            throw AppError.field(.badRequest, "invalid_key", "q", zh: "查询内容不超过 \(maxText) 字", en: "A look-up is at most \(maxText) characters")
        }
        return q
    }

    /// The hits of one service for `text` (JSON objects of its returned items, masked as on the
    /// portal), at most ``limit``. `only`: restrict the key items (the credit page asks by credit code).
    static func run(_ s: LookupServiceRow, text: String, only: String? = nil, req: Request) async throws -> (read: StoreRead, rows: [String]) {
        let read = try await StoreReading.readAsPublic(req, code: s.resourceCode)
        let layout = read.store.recordLayout
        let shown = read.view?.columnNames ?? Set(layout.columns.map(\.name))
        let fields = s.returnedItems.filter { shown.contains($0) && layout.column(named: $0) != nil }
        var rows: [String] = []
        for key in s.keyItems where (only == nil || only == key) && rows.count < limit {
            guard let column = layout.column(named: key) else { continue }
            let params: [(String, String)]
            var sort: String? = nil
            switch s.match {
            case .exact:
                params = [(key, text)]
            case .partial:
                // Names that start with the text first (the item's index), then those that hold it.
                rows += try await partial(s, column: column, text: text, fields: fields, read: read, already: rows, req: req)
                continue
            case .prefix:
                if LookupDefinition.tooShort(text) { continue }
                // A range on the item's index finds the prefix; LIKE keeps it exact under any collation.
                params = [(key + "__gte", text), (key + "__lt", text + "\u{10FFFF}"), (key + "__prefix", text)]
                // In the index's order (item, key) when keyset paging allows it, so the first hits end the read.
                if !column.primaryKey && column.required { sort = key }
            }
            let q: RecordQuery
            do {
                q = try RecordQuery(store: read.store, params: params, fields: fields.joined(separator: ","), sort: sort, view: read.view)
            } catch let e as AppError where e.status == .badRequest {
                // A value the item cannot hold (too long, not a number): nothing matches it.
                _ = e
                continue
            }
            for row in try await q.page(after: nil, limit: limit - rows.count, on: req.db.sql).rows where !rows.contains(row) {
                rows.append(row)
            }
        }
        try await RecordsAPI.audit(req, read.store, "open.lookup", fields: fields, count: rows.count, purpose: nil, hash: RecordsAPI.requestHash(req))
        try await count(s, on: req.db.sql)
        return (read, rows)
    }

    /// The hits of a partial service on one key item: the prefix range first, then the n-gram
    /// index's candidates re-checked against the value (contains) under the public read, shorter
    /// values first. The index is brought up to date with the store first.
    static func partial(
        _ s: LookupServiceRow, column: RecordLayout.Column, text: String, fields: [String], read: StoreRead, already: [String], req: Request
    ) async throws -> [String] {
        guard !NameGrams.tooShort(text) else { throw tooShort() }
        var rows = already
        let store = read.store, sql = req.db.sql
        func page(_ q: RecordQuery) async throws -> [String] { try await q.page(after: nil, limit: limit, on: sql).rows }
        do {
            let prefix = try RecordQuery(
                store: store, params: [(column.name + "__gte", text), (column.name + "__lt", text + "\u{10FFFF}"), (column.name + "__prefix", text)],
                fields: fields.joined(separator: ","), sort: column.required && !column.primaryKey ? column.name : nil, view: read.view)
            for row in try await page(prefix) where !rows.contains(row) && rows.count < limit { rows.append(row) }
        } catch let e as AppError where e.status == .badRequest {
            _ = e  // a value the item cannot hold: nothing starts with it
        }
        guard rows.count < limit else { return Array(rows.dropFirst(already.count)) }
        // A few steps of the change log, so a load just made is found; the worker follows the rest.
        var steps = 0
        while steps < 4, try await LookupGrams.follow(s, store: store, on: req.db) { steps += 1 }
        let layout = store.recordLayout
        // The candidates are read by key: a store whose key the portal masks answers by prefix only.
        guard let first = layout.keyColumns.first, (read.view?.rule(first.name) ?? .clear) == .clear else { return Array(rows.dropFirst(already.count)) }
        let keys = try await LookupGrams.candidates(s.code, text: text, on: sql)
        guard !keys.isEmpty else { return Array(rows.dropFirst(already.count)) }
        let firstValues = Array(Set(keys.map { String($0.split(separator: "\u{1F}", omittingEmptySubsequences: false).first ?? "") }))
        let q = try RecordQuery(
            store: store, params: [], fields: fields.joined(separator: ","), sort: nil, view: read.view,
            conditions: [RecordCondition(column: first, op: .in, values: firstValues)],
            textSearches: [RecordQuery.TextSearch(columns: [column], text: text)])
        var found = try await q.page(after: nil, limit: LookupGrams.candidateLimit, on: sql).rows
        if fields.contains(column.name) {
            // Shorter values first: the closer matches.
            found = found.map { ($0, values($0)[column.name] ?? "") }.sorted { ($0.1.count, $0.1) < ($1.1.count, $1.1) }.map(\.0)
        }
        for row in found where !rows.contains(row) && rows.count < limit { rows.append(row) }
        return Array(rows.dropFirst(already.count))
    }

    static func tooShort() -> AppError {
        AppError.field(
            .badRequest, "too_short", "q", zh: "按名称的部分查询至少输入 \(NameGrams.minimumLength) 个字",
            en: "A partial look-up needs at least \(NameGrams.minimumLength) characters")
    }

    /// Every key item gets an index (the item, then the store's key) unless it leads the key or is
    /// a query field (indexed already): an exact or prefix look-up reads a range of it, never the table.
    static func ensureIndexes(_ items: [String], store: RecordStoreRow, on sql: any SQLDatabase) async throws {
        let layout = store.recordLayout, records = store.tables.records
        for item in items {
            guard let c = layout.column(named: item), !c.queryField, layout.keyNames.first != item else { continue }
            let columns = ([item] + layout.keyNames).map { "\(ident: $0)" as SQLQueryString }.joined(separator: ", ")
            try await sql.raw("CREATE INDEX IF NOT EXISTS \(ident: "lkp_\(records)_\(item)") ON \(ident: records) (\(columns))").run()
        }
    }

    /// One more query answered by `s` (for the heat statistics).
    static func count(_ s: LookupServiceRow, on sql: any SQLDatabase) async throws {
        try await sql.raw("UPDATE lookup_services SET queries = queries + 1 WHERE code = \(bind: s.code)").run()
    }

    /// The services that answer by credit code (an exact key `credit_code`): the disclosure classes
    /// an enterprise page gathers.
    static func creditClasses(on db: any Database) async throws -> [LookupServiceRow] {
        try await LookupServiceRow.query(on: db).sort(\.$id).all().filter { $0.match == .exact && $0.keyItems.contains("credit_code") }
    }

    /// The services that find enterprises by name as the user types (prefix or partial, returning the credit code).
    static func nameSearches(on db: any Database) async throws -> [LookupServiceRow] {
        try await LookupServiceRow.query(on: db).sort(\.$id).all().filter { $0.match != .exact && $0.returnedItems.contains("credit_code") }
    }

    /// One disclosure class of an enterprise: the service, its dataset and the records found.
    struct ClassRecords: Sendable {
        var service: LookupServiceRow
        var read: StoreRead
        var rows: [String]
    }

    /// An enterprise's records across every disclosure class; 400 for a malformed code, 404 when no class holds it.
    static func enterprise(_ creditCode: String, req: Request) async throws -> [ClassRecords] {
        guard CreditCode.looksValid(creditCode) else {
            throw AppError.field(
                .badRequest, "invalid_credit_code", "creditCode", zh: "统一社会信用代码为 18 位数字或大写字母",
                en: "A unified social credit code is 18 digits or capital letters")
        }
        try await LookupThrottle.check(req)
        var out: [ClassRecords] = []
        for s in try await creditClasses(on: req.db) {
            // A class whose dataset is no longer open to anyone is left out, not an error of the page.
            guard let found = try? await run(s, text: creditCode, only: "credit_code", req: req) else { continue }
            if !found.rows.isEmpty { out.append(ClassRecords(service: s, read: found.read, rows: found.rows)) }
        }
        guard !out.isEmpty else {
            throw AppError.field(.notFound, "unknown_enterprise", "creditCode", zh: "未找到该统一社会信用代码的公示信息", en: "No disclosed records for this credit code")
        }
        return out
    }

    /// The code-list labels of the values the hits show (column → code → label), for the items
    /// bound to a code-list standard (经营状态 "1" → 在营（开业）); a masked value has none.
    static func codeLabels(_ read: StoreRead, rows: [String], on db: any Database) async throws -> [String: [String: String]] {
        guard !rows.isEmpty else { return [:] }
        let lists = try await RecordsBrowser.codeLabels(read.resource, on: db)
        guard !lists.isEmpty else { return [:] }
        var out: [String: [String: String]] = [:]
        for row in rows {
            for (column, value) in values(row) {
                if let label = lists[column]?[value] { out[column, default: [:]][value] = label }
            }
        }
        return out
    }

    /// A hit's values as text by column (for pages).
    static func values(_ row: String) -> [String: String] {
        guard let data = row.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object.compactMapValues { v in v is NSNull ? nil : "\(v)" }
    }
}
