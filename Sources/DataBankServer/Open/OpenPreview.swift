import SQLKit
import Vapor
import DataBankCore

/// A dataset's preview: the first 100 records in a chosen order, optionally filtered on one clear
/// item, shown 20 to a page. Read through the one read decision for the public
/// (``StoreReading/readAsPublic(_:code:)``), so every item shows under its default mask; audited
/// (`open.preview`) and counted.
struct OpenPreview {
    static let rowsShown = 100
    static let pageSize = 20
    static var pages: Int { rowsShown / pageSize }

    /// What the visitor asked for, checked against what the portal's view allows.
    struct Request: Sendable {
        var sort: String?
        var column: String?
        var value: String?
        var page = 1

        /// The query parameters that reproduce this request (for links).
        var pairs: [(String, String)] {
            [("sort", sort ?? ""), ("column", column ?? ""), ("value", value ?? "")] + (page > 1 ? [("page", String(page))] : [])
        }
    }

    let read: StoreRead
    let request: Request
    let query: RecordQuery

    /// Columns the preview may order by: clear, and required or part of the key (keyset paging needs values).
    static func sortable(_ read: StoreRead) -> [RecordLayout.Column] {
        (read.view?.columns ?? read.store.recordLayout.columns).filter { ($0.required || $0.primaryKey) && read.view?.rule($0.name) ?? .clear == .clear }
    }

    /// Columns the preview may filter on: the clear ones (a masked item is never compared in clear).
    static func filterable(_ read: StoreRead) -> [RecordLayout.Column] {
        (read.view?.columns ?? read.store.recordLayout.columns).filter { read.view?.rule($0.name) ?? .clear == .clear }
    }

    /// Text columns match from the start of the value; the others match it exactly.
    static func filterParameter(_ c: RecordLayout.Column) -> String { [.C, .M, .G].contains(c.type) ? c.name + "__prefix" : c.name }

    /// Reads the decision and checks the parameters: 400 with the field at fault for a bad one.
    static func prepare(_ req: Vapor.Request, code: String, form: FormData? = nil) async throws -> OpenPreview {
        let read = try await StoreReading.readAsPublic(req, code: code)
        let form = form ?? FormData(query: req)
        var r = Request()
        if let text = form["page"], !text.isEmpty {
            guard let n = Int(text), (1...pages).contains(n) else {
                throw AppError.field(.badRequest, "invalid_page", "page", zh: "页码为 1–\(pages)", en: "page is 1 to \(pages)")
            }
            r.page = n
        }
        if let sort = form["sort"], !sort.isEmpty {
            let name = sort.hasPrefix("-") ? String(sort.dropFirst()) : sort
            guard sortable(read).contains(where: { $0.name == name }) else {
                throw AppError.field(
                    .badRequest, "invalid_sort", "sort", zh: "不能按“\(name)”排序，请选择列表中的数据项",
                    en: "The preview cannot be sorted by \(name); choose an item from the list")
            }
            r.sort = sort
        }
        let column = form["column"].flatMap { $0.isEmpty ? nil : $0 }, value = form["value"].flatMap { $0.isEmpty ? nil : $0 }
        if let column {
            guard let c = filterable(read).first(where: { $0.name == column }) else {
                throw AppError.field(
                    .badRequest, "invalid_filter", "column", zh: "不能按“\(column)”筛选，请选择列表中的数据项",
                    en: "The preview cannot be filtered on \(column); choose an item from the list")
            }
            guard let value else {
                throw AppError.field(.badRequest, "invalid_filter", "value", zh: "请填写筛选值", en: "Enter a value to filter on")
            }
            guard value.count <= 200 else {
                throw AppError.field(.badRequest, "invalid_filter", "value", zh: "筛选值不超过 200 字", en: "A filter value is at most 200 characters")
            }
            r.column = c.name
            r.value = value
        } else if value != nil {
            throw AppError.field(.badRequest, "invalid_filter", "column", zh: "请选择要筛选的数据项", en: "Choose the item to filter on")
        }
        let params = r.column.flatMap { name in read.store.recordLayout.column(named: name).map { [(filterParameter($0), r.value ?? "")] } } ?? []
        let q: RecordQuery
        do {
            q = try RecordQuery(store: read.store, params: params, fields: nil, sort: r.sort, view: read.view)
        } catch let e as AppError where e.code == "invalid_filter" || e.code == "invalid_value" || e.status == .badRequest {
            // A value the item's type cannot hold ("abc" for a number): said about the value field.
            let detail = e.details.first
            throw AppError.field(
                .badRequest, "invalid_filter", "value", zh: detail?.message ?? "筛选值无效", en: detail?.messageEn ?? e.message)
        }
        return OpenPreview(read: read, request: r, query: q)
    }

    /// The records of the requested page as cells (masked), the number the filter matches, and the
    /// number the preview can page through (at most 100).
    func cells(on req: Vapor.Request) async throws -> (rows: [[String?]], total: Int, shown: Int) {
        let sql = req.db.sql
        let first = try await query.csvPage(after: nil, limit: Self.rowsShown, on: sql)
        let q = query
        let total = try await req.application.totalCache.total(store: read.store, signature: q.signature) { try await q.count(on: sql) }
        let start = (request.page - 1) * Self.pageSize
        let rows = start < first.rows.count ? Array(first.rows[start..<min(start + Self.pageSize, first.rows.count)]) : []
        try await audit(req, count: rows.count, kind: .preview)
        return (rows, total, first.rows.count)
    }

    /// The same page as JSON objects (masked), for the data endpoint.
    func objects(on req: Vapor.Request) async throws -> (rows: [String], total: Int, shown: Int) {
        let sql = req.db.sql
        let first = try await query.page(after: nil, limit: Self.rowsShown, on: sql)
        let q = query
        let total = try await req.application.totalCache.total(store: read.store, signature: q.signature) { try await q.count(on: sql) }
        let start = (request.page - 1) * Self.pageSize
        let rows = start < first.rows.count ? Array(first.rows[start..<min(start + Self.pageSize, first.rows.count)]) : []
        try await audit(req, count: rows.count, kind: .api)
        return (rows, total, first.rows.count)
    }

    func audit(_ req: Vapor.Request, count: Int, kind: OpenUse) async throws {
        try await RecordsAPI.audit(
            req, read.store, "open.preview", fields: query.fields.map(\.name), count: count, purpose: nil, hash: RecordsAPI.requestHash(req))
        try await OpenCounters.count(kind, read.store.resourceCode, req: req)
    }
}
