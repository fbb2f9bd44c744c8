import Fluent
import Plot
import SQLKit
import Vapor
import DataBankCore

/// The records section of the records page: the reader's view from the one read decision
/// (the provider's in full, a grant's or the open portal's masked), a filter on one item the
/// reader sees in clear, a sort, keyset paging with sealed cursors, and a CSV download of the
/// same selection through the records API.
enum RecordsBrowser {
    static let pageSize = 20
    static let operators: [(String, String, String)] = [
        ("eq", "等于", "equals"), ("prefix", "开头是", "starts with"),
        ("gte", "不小于", "at least"), ("lte", "不大于", "at most")
    ]

    /// What the reader asked for in the page's query string.
    struct Selection {
        var column = "", op = "eq", value = "", sort = "", after = ""

        init(_ req: Request) {
            column = req.query[String.self, at: "col"] ?? ""
            op = req.query[String.self, at: "op"].flatMap { o in RecordsBrowser.operators.contains { $0.0 == o } ? o : nil } ?? "eq"
            value = req.query[String.self, at: "val"] ?? ""
            sort = req.query[String.self, at: "sort"] ?? ""
            after = req.query[String.self, at: "after"] ?? ""
        }

        /// The filter as the records API writes it (`col=v`, `col__prefix=v` …).
        var filter: [(String, String)] {
            guard !column.isEmpty, !value.isEmpty else { return [] }
            return [(op == "eq" ? column : "\(column)__\(op)", value)]
        }
    }

    static func render(_ req: Request, _ read: StoreRead, purpose: String?, code: String, s: Strings) async throws -> Body {
        let store = read.store
        let selection = Selection(req)
        let base = QueryLink(
            SiteURL.resource(code, .records).path,
            [
                ("purpose", purpose ?? ""), ("col", selection.column),
                ("op", selection.op), ("val", selection.value), ("sort", selection.sort)
            ])
        // What this reader may filter and sort on: the items it sees in clear (sorting: key or required ones).
        let visible = read.view?.columns ?? store.recordLayout.columns
        let clear = visible.filter { (read.view?.rule($0.name) ?? .clear) == .clear }
        let sortable = clear.filter { $0.primaryKey || $0.required }
        let form = Body.getForm(
            base.path,
            [
                .cls("filter-bar"), .testid("records-filter"),
                purpose.map { Body.hidden("purpose", $0) } ?? .empty,
                .el("label", .attr("for", Forms.id("col")), .esc(s.t("筛选", "Filter"))),
                .select("col", [("", s.t("（不筛选）", "(none)"))] + clear.map { ($0.name, "\($0.itemName) \($0.name)") }, selected: selection.column),
                .select("op", operators.map { ($0.0, s.t($0.1, $0.2)) }, selected: selection.op),
                .input([
                    .v("type", "text"), .v("name", "val"), .v("id", Forms.id("val")), .v("value", selection.value), .v("maxlength", "200"),
                    .v("aria-label", s.t("筛选值", "Filter value"))
                ]),
                .el("label", .attr("for", Forms.id("sort")), .esc(s.t("排序", "Sort"))),
                .select(
                    "sort",
                    [("", s.t("按主键", "by key"))]
                        + sortable.flatMap { c in
                            [(c.name, "\(c.itemName) ↑"), ("-" + c.name, "\(c.itemName) ↓")]
                        }, selected: selection.sort),
                .submit(s.t("查询", "Apply"), .cls("primary"), .testid("records-apply"))
            ])

        let sql = req.db.sql
        let q: RecordQuery, page: (rows: [[String?]], next: [String]?, subjects: [String]), total: Int, binding: CursorSeal.Binding
        let sealing = try await CursorSeal.key(app: req.application, on: req.db)
        do {
            q = try RecordQuery(store: store, params: selection.filter, fields: nil, sort: selection.sort.isEmpty ? nil : selection.sort, view: read.view)
                .recordingSubjects(of: store)
            binding = CursorSeal.Binding(store: store.resourceCode, order: q.order.map(\.name), req: req, grant: read.view?.grantID)
            let after = try selection.after.isEmpty ? nil : CursorSeal.open(selection.after, binding, key: sealing)
            page = try await q.csvPage(after: after, limit: pageSize, on: sql)
            total = try await req.application.totalCache.total(store: store, signature: q.signature) { try await q.count(on: sql) }
        } catch let e as AppError where (400..<500).contains(e.status.code) {
            // A filter the reader may not use, or a value of the wrong type: said on the page, the form kept.
            return .group([
                form,
                .banner(
                    "error", .p(.esc(s.isEnglish ? (e.details.first?.messageEn ?? e.message) : (e.details.first?.message ?? e.message))),
                    testid: "records-error")
            ])
        }
        try await AuditLog.append(
            .of(req), resource: code, operation: "web.view", fields: q.fields.map(\.name), count: page.rows.count,
            purpose: purpose, requestID: req.id, requestHash: RecordsAPI.requestHash(req),
            subjects: AuditSubjects.hashes(page.subjects, trail: req.application.auditTrail), on: req.db, trail: req.application.auditTrail)

        // Each record can be objected to (数据纠错) where its key is shown in clear.
        let keyIndices = store.recordLayout.keyColumns.compactMap { k in q.fields.firstIndex { $0.name == k.name } }
        let keysClear = store.recordLayout.keyColumns.allSatisfy { (read.view?.rule($0.name) ?? .clear) == .clear }
        let labels = try await codeLabels(read.resource, on: req.db)
        let table: Body =
            page.rows.isEmpty
            ? .p(.cls("muted"), .testid("no-records"), .esc(s.t("没有符合条件的记录。", "No records match.")))
            : .dataTable(
                (keysClear ? [""] : []) + q.fields.map { "\($0.itemName) \($0.name)" },
                page.rows.map { row in
                    (keysClear
                        ? [
                            Body.link(
                                ObjectionFormPage.link(code, key: keyIndices.map { row[$0] ?? "" }.joined(separator: ",")),
                                s.t("纠错", "Report an error"), .testid("objection-link"))
                        ] : [])
                        + zip(q.fields, row).map { field, value in
                            guard let value, let label = labels[field.name]?[value] else { return Body.esc(value ?? "") }
                            return Body.group([.esc(value), .span(.cls("muted code-label"), .esc(" " + label))])
                        }
                }, testid: "records", cls: "data compact")
        let csv = QueryLink(
            "/api/v1/resources/\(Escape.url(code))/records",
            [("format", "csv"), ("limit", "all"), ("purpose", purpose ?? ""), ("sort", selection.sort)] + selection.filter)
        let paging = Body.p(
            .cls("pager"), .testid("records-pager"),
            .esc(s.t("共 \(total) 条", "\(total) records")),
            selection.after.isEmpty ? .empty : .group([.text(" · "), .link(base.href, s.t("« 第一页", "« First page"), .testid("records-first"))]),
            page.next.map { next in
                .group([
                    .text(" · "),
                    .link(
                        base.setting("after", CursorSeal.seal(next, binding, key: sealing)).href,
                        s.t("下一页 ›", "Next ›"), .attr("rel", "next"), .testid("records-next"))
                ])
            } ?? .empty,
            .text(" · "), .link(csv.href, s.t("下载 CSV", "Download CSV"), .testid("records-csv")))
        return .group([form, table, paging])
    }

    /// Code-list items show their meaning beside the code (企业类型 "1 有限责任公司"): column → code → label.
    static func codeLabels(_ resource: ResourceRow, on db: any Database) async throws -> [String: [String: String]] {
        guard let items = resource.catalogSnapshot?.items, !items.isEmpty else { return [:] }
        let byStandard = Dictionary(grouping: items, by: \.standardCode)
        var out: [String: [String: String]] = [:]
        for standard in try await StandardRow.query(on: db).filter(\.$code ~~ Array(byStandard.keys)).all() {
            let list = JSONText.decode([CodeListEntry].self, standard.codeList) ?? []
            guard !list.isEmpty else { continue }
            let labels = Dictionary(list.map { ($0.code, $0.label) }, uniquingKeysWith: { first, _ in first })
            for item in byStandard[standard.code] ?? [] { out[item.column] = labels }
        }
        return out
    }
}
