import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /catalog/resources/:code/loads/:id`: what one load did — where an upload lands after its
/// POST (303, post/redirect/get), so a refresh shows the result again and never loads again.
/// The refused rows of the load are listed one line per source row with every problem of that row.
enum LoadResultPage {
    static func show(req: Request) async throws -> Response {
        let (store, resource) = try await StoreReading.forAction(req, .writeRecords)
        let code = store.resourceCode
        guard let load = try await LoadRow.find(req.parameters.get("id", as: UUID.self), on: req.db), load.resourceCode == code else {
            throw AppError.notFound("Load")
        }
        let s = req.strings
        let names = try await Directory.displayNames([load.actorName], on: req.db)
        let refused = try await QuarantineRow.query(on: req.db).filter(\.$loadID == load.requireID())
            .sort(\.$rowNumber).sort(\.$createdAt).range(0..<2_000).all()
        let rows = RefusedRow.group(refused)
        let open = rows.filter { $0.isOpen }.count
        let ok = load.status == "committed"
        let summary = s.t(
            "新增 \(load.inserted)，更新 \(load.updated)，拒绝 \(load.rejected) 行。",
            "\(load.inserted) inserted, \(load.updated) updated, \(load.rejected) rows refused.")
        let banner: Body = .banner(
            !ok ? "error" : load.rejected > 0 ? "info" : "ok",
            .p(
                .esc(
                    ok
                        ? s.t("载入完成：", "Loaded: ") + summary
                        : s.t("载入未完成（\(RecordsPage.statusLabel(load.status, s))）：", "The load did not finish (\(RecordsPage.statusLabel(load.status, s))): ")
                            + summary)),
            load.error.map { Body.p(.cls("muted"), .esc($0)) } ?? .empty,
            testid: "load-summary")
        let seconds = load.finishedAt.map { String(format: "%.1f", $0.timeIntervalSince(load.startedAt)) }
        let base = SiteURL.resource(code).path
        let content: [Body] = [
            .div(
                .cls("page-head"),
                .p(
                    .cls("crumbs"), .link(SiteURL.catalog.path, s.t("目录", "Catalog")), .text(" › "), .link(base, resource.name), .text(" › "),
                    .link(base + "/records", s.t("数据", "Records"))),
                .h1(.testid("page-title"), .esc(s.t("载入结果：\(load.source ?? code)", "Load result: \(load.source ?? code)")))),
            banner,
            .section(
                .cls("card"), .testid("load-facts"),
                .fields([
                    (s.t("开始时间", "Started"), .esc(s.dateTime(load.startedAt))),
                    (s.t("用时", "Took"), .esc(seconds.map { s.t("\($0) 秒", "\($0) s") } ?? "—")),
                    (s.t("文件", "File"), .esc(load.source ?? "—")),
                    (s.t("方式", "Mode"), .esc(s.loadMode(load.mode))),
                    (
                        s.t("格式与编码", "Format and encoding"),
                        .esc([load.format.uppercased(), load.encoding?.uppercased()].compactMap { $0 }.joined(separator: " · "))
                    ),
                    (s.t("操作人", "By"), .esc(names[load.actorName] ?? load.actorName)),
                    (s.t("结果", "Status"), .esc(RecordsPage.statusLabel(load.status, s)))
                ])),
            rows.isEmpty
                ? .empty
                : .section(
                    .cls("card"), .testid("load-refused"),
                    .h2(.esc(s.t("被拒绝的行（\(rows.count)，待处理 \(open)）", "Refused rows (\(rows.count), \(open) to settle)"))),
                    RefusedRow.table(rows, code: code, s)),
            .p(.link(base + "/records", s.t("返回数据页", "Back to the records"), .cls("button"), .testid("back-to-records")))
        ]
        return Layout.render(req, title: s.t("载入结果", "Load result") + " " + code, path: base + "/records", content)
    }
}

/// A refused source row: every refusal (one per problem) of one row of one load, shown together.
struct RefusedRow {
    var loadID: UUID
    var rowNumber: Int
    var entries: [QuarantineRow]

    var isOpen: Bool { entries.contains { $0.status == "open" } }
    /// The entry a fix starts from: an open one holding the whole row.
    var fixable: QuarantineRow? { entries.first { $0.status == "open" && $0.rawRow != nil } }

    /// Groups refusals by their source row, in the order the rows first appear.
    static func group(_ entries: [QuarantineRow]) -> [RefusedRow] {
        var order: [String] = []
        var byRow: [String: RefusedRow] = [:]
        for e in entries {
            let key = "\(e.loadID.uuidString)#\(e.rowNumber)"
            if byRow[key] == nil { order.append(key); byRow[key] = RefusedRow(loadID: e.loadID, rowNumber: e.rowNumber, entries: []) }
            byRow[key]!.entries.append(e)
        }
        return order.compactMap { byRow[$0] }
    }

    static func table(_ rows: [RefusedRow], code: String, _ s: Strings) -> Body {
        .dataTable(
            [s.t("行", "Row"), s.t("问题", "Problems"), ""],
            rows.map { r in
                [
                    .esc("\(r.rowNumber)"),
                    .ul(
                        .cls("problems"),
                        .group(
                            r.entries.map { e in
                                Node<HTML.ListContext>.li(
                                    e.columnName.map { Body.el("code", .esc($0)) } ?? .empty, .text(e.columnName == nil ? "" : " "),
                                    e.rawValue.map { Body.span(.cls("muted"), .esc("“\(String($0.prefix(80)))” ")) } ?? .empty,
                                    .esc(s.isEnglish ? e.messageEn : e.message))
                            })),
                    r.fixable.flatMap { $0.id }.map { Body.link(SiteURL.resource(code, .quarantine($0)).path, s.t("修正", "Fix"), .testid("fix-link")) }
                        ?? .esc(r.isOpen ? "" : s.t("已处理", "Settled"))
                ]
            }, cls: "data compact")
    }
}
