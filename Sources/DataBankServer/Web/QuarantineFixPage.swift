import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /catalog/resources/:code/quarantine/:id`: one refused row with every column as it came
/// in, editable; `POST` resubmits it through the ingest path (accepted → back to the records page;
/// refused again → the form with the new reasons); `POST …/discard` settles it with a note.
enum QuarantineFixPage {
    static func show(req: Request) async throws -> Response {
        try await render(req, values: nil, problems: [], failure: nil)
    }

    static func render(
        _ req: Request, values: [String: String]?, problems: [LoadSummary.ProblemLine], failure: AppError?,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let (store, entry, refusals) = try await load(req)
        let s = req.strings
        let code = store.resourceCode
        let source = QuarantineItem(entry).record ?? [:]
        let reasons =
            problems.isEmpty
            ? refusals.map { r in (r.columnName, s.isEnglish ? r.messageEn : r.message) }
            : problems.map { ($0.column, $0.message) }
        var banners: [Body] = []
        if let failure { banners.append(.banner("error", .p(.esc(failure.message)), testid: "fix-error")) }
        if !problems.isEmpty || req.query[String.self, at: "again"] != nil {
            banners.append(.banner("error", .p(.esc(s.t("仍未通过检查，请再修改。", "Still refused; please correct it again."))), testid: "fix-refused"))
        }
        let base = "\(SiteURL.resource(code).path)/quarantine/\(entry.id?.uuidString ?? "")"
        let rows: [[Body]] = store.recordLayout.columns.map { c in
            let reason = reasons.filter { $0.0 == c.name }.map(\.1).joined(separator: "；")
            let value = values?[c.name] ?? (source[c.name] ?? nil) ?? ""
            return [
                .esc("\(c.itemName) \(c.name)"),
                .input([.v("type", "text"), .v("name", "v.\(c.name)"), .v("value", value), .v("aria-label", c.name)]),
                reason.isEmpty ? .empty : .span(.cls("error-text"), .esc(reason))
            ]
        }
        // Every problem of the row shows at once: beside its column, or above the form when it names none the layout has.
        let columns = Set(store.recordLayout.columns.map(\.name))
        let general = reasons.filter { $0.0.map { !columns.contains($0) } ?? true }.map { r in r.0.map { "\($0)：\(r.1)" } ?? r.1 }
        let content: [Body] = [
            .div(
                .cls("page-head"),
                .p(.cls("crumbs"), .link(SiteURL.resource(code, .records).path, s.t("数据", "Records"))),
                .h1(.testid("page-title"), .esc(s.t("修正被拒绝的行（第 \(entry.rowNumber) 行）", "Fix a refused row (row \(entry.rowNumber))"))),
                .p(
                    .cls("sub"), .testid("fix-summary"),
                    .esc(
                        s.t(
                            "此行有 \(reasons.count) 处问题，请一并修改后重新提交。",
                            reasons.count == 1 ? "This row has 1 problem." : "This row has \(reasons.count) problems; correct them all, then resubmit.")))),
            general.isEmpty ? .empty : .banner("info", .ul(.group(general.map { .li(.esc($0)) }))),
            entry.rawRow.flatMap { JSONText.decode(String.self, $0) }.map { line in
                .p(.cls("hint"), .esc(s.t("原始行：", "The line as it came: ")), .el("code", .esc(String(line.prefix(500)))))
            } ?? .empty,
            .section(
                .cls("card"), .testid("fix-form"),
                .postForm(
                    base, csrf: req.csrfToken,
                    [
                        .dataTable([s.t("信息项", "Item"), s.t("值", "Value"), s.t("问题", "Problem")], rows, cls: "data compact"),
                        .submit(s.t("重新提交", "Resubmit"), .cls("primary"), .testid("fix-submit"))
                    ])),
            .section(
                .cls("card"),
                .h2(.esc(s.t("舍弃此行", "Discard this row"))),
                .postForm(
                    base + "/discard", csrf: req.csrfToken,
                    [
                        .el("label", .attr("for", Forms.id("note")), .esc(s.t("理由（必填）", "Why (required)"))),
                        .textarea("note", "", rows: 2),
                        .submit(s.t("舍弃", "Discard"), .testid("discard-submit"))
                    ]))
        ]
        return Layout.render(req, title: s.t("修正被拒绝的行", "Fix a refused row"), status: status, path: base, banners: banners, content)
    }

    static func resubmit(req: Request) async throws -> Response {
        let (store, entry, _) = try await load(req)
        let form = FormData(body: req)
        var values: [String: String] = [:]
        for c in store.recordLayout.columns { values[c.name] = form.raw("v.\(c.name)") }
        let row = QuarantineAPI.Resubmission.Row(id: try entry.requireID(), values: values.mapValues { $0.isEmpty ? nil : $0 })
        do {
            let outcome = try await QuarantineFixes.resubmit([row], store: store, who: .of(req), user: try req.requireUser(), on: req.db)
            req.application.profileScheduler.afterLoad(store.resourceCode)
            try await RecordsAPI.audit(
                req, store, "quarantine.resubmit", fields: store.recordLayout.columns.map(\.name),
                count: outcome.summary.inserted + outcome.summary.updated, purpose: nil, hash: RecordsAPI.requestHash(req))
            if let refused = outcome.rows.first, refused.status == "refused", let next = refused.replacedBy {
                // The attempt's own refusal is the open one now: fix that.
                return req.redirect(to: "\(SiteURL.resource(store.resourceCode).path)/quarantine/\(next.uuidString)?again=1", redirectType: .normal)
            }
            return req.redirect(to: "\(SiteURL.resource(store.resourceCode, .records).path)?fixed=1", redirectType: .normal)
        } catch let e as AppError {
            return try await render(req, values: values, problems: [], failure: e, status: e.status)
        }
    }

    static func discard(req: Request) async throws -> Response {
        let (store, entry, _) = try await load(req)
        do {
            _ = try await QuarantineFixes.discard(
                try entry.requireID(), note: FormData(body: req)["note"], store: store,
                user: try req.requireUser(), on: req.db)
            return req.redirect(to: SiteURL.resource(store.resourceCode, .records).path, redirectType: .normal)
        } catch let e as AppError {
            return try await render(req, values: nil, problems: [], failure: e, status: e.status)
        }
    }

    /// The store (the provider's stewards only), the entry, and every refusal of its source row.
    static func load(_ req: Request) async throws -> (RecordStoreRow, QuarantineRow, [QuarantineRow]) {
        let (store, _) = try await StoreReading.forAction(req, .writeRecords)
        guard let entry = try await QuarantineRow.find(req.parameters.get("id", as: UUID.self), on: req.db),
            entry.resourceCode == store.resourceCode
        else { throw AppError.notFound("Quarantined row") }
        let all = try await QuarantineRow.query(on: req.db).filter(\.$loadID == entry.loadID).filter(\.$rowNumber == entry.rowNumber).all()
        return (store, entry, all)
    }
}
