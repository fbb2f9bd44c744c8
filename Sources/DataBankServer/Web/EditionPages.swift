import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET|POST /editions`, `GET /editions/:slug`, `GET /editions/diff?from=&to=`.
enum EditionPages {
    static func all(_ req: Request) async throws -> [EditionRow] {
        try await EditionRow.query(on: req.db).sort(\.$year, .descending).sort(\.$phase, .descending).all()
    }

    static func list(req: Request) async throws -> Response {
        try await listPage(req, posted: nil, failure: nil)
    }

    static func listPage(_ req: Request, posted: FormData?, failure: AppError?) async throws -> Response {
        let s = req.strings
        let editions = try await all(req)
        let rows: [[Body]] = editions.map { e in
            [
                .link(SiteURL.edition(e.slug).path, e.title, .testid("edition-link")),
                .span(.cls("code"), .esc(e.slug)),
                .esc(String(e.resourceCount)),
                .esc(e.createdBy),
                .esc(s.date(e.createdAt))
            ]
        }
        var content: [Body] = [
            Layout.heading(
                s.t("目录版本", "Catalog editions"),
                sub: s.t("每个版本冻结发布时目录中的全部已发布资源。", "Each edition freezes the published catalog at the time it was made.")),
            rows.isEmpty
                ? .p(.cls("empty"), .esc(s.t("尚无目录版本。", "No editions yet.")))
                : .dataTable(
                    [s.t("版本", "Edition"), s.t("标识", "Slug"), s.t("资源数", "Resources"), s.t("发布人", "By"), s.t("日期", "Date")],
                    rows, testid: "editions-table")
        ]
        if editions.count >= 2 {
            content.append(
                .p(
                    .link(
                        QueryLink(SiteURL.editionDiff.path, [("from", editions[1].slug), ("to", editions[0].slug)]).href,
                        s.t("比较最近两个版本 ›", "Compare the latest two editions ›"), .testid("edition-diff-link"))))
        }
        if req.can(.createEdition) {
            let errors = FieldErrors(failure?.details ?? [])
            func input(_ name: String, _ label: String, _ value: String, _ type: String = "text") -> Body {
                .div(
                    .cls("field" + (errors.errors(name).isEmpty ? "" : " invalid")),
                    .el("label", .attr("for", Forms.id(name)), .esc(label)),
                    .input([.v("type", type), .v("name", name), .v("id", Forms.id(name)), .v("value", value)]),
                    .group(errors.errors(name).map { Body.p(.cls("field-error"), .esc(s.message($0))) }))
            }
            let year = Calendar(identifier: .gregorian).component(.year, from: Date())
            content.append(
                .section(
                    .cls("card"), .testid("edition-form"),
                    .h2(.esc(s.t("发布新版本", "Publish a new edition"))),
                    .postForm(
                        SiteURL.editions.path, csrf: req.csrfToken,
                        [
                            .div(
                                .cls("grid"),
                                input("year", s.t("年份", "Year"), posted?["year"] ?? String(year), "number"),
                                input("phase", s.t("期数", "Phase"), posted?["phase"] ?? "1", "number"),
                                input("title", s.t("标题（可留空）", "Title (optional)"), posted?["title"] ?? "")),
                            .submit(s.t("发布版本", "Publish edition"), .cls("primary"))
                        ])))
        }
        return Layout.render(
            req, title: s.t("目录版本", "Editions"), status: failure?.status ?? .ok,
            path: SiteURL.editions.path, banners: failure.map { [Layout.errorBanner($0, s)] } ?? [], content)
    }

    static func create(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try req.authorize(.createEdition)
        let form = FormData(body: req)
        do {
            guard let year = form.int("year") else {
                throw AppError.field(.unprocessableEntity, "invalid", "year", zh: "请填写年份", en: "Year is required")
            }
            let e = try await Editions.create(year: year, phase: form.int("phase") ?? 1, title: form["title"], by: user, on: req.db)
            return Layout.seeOther(SiteURL.edition(e.slug).path)
        } catch {
            let e = AppError.from(error)
            guard (400..<500).contains(e.status.code), e.status != .unauthorized else { throw error }
            return try await listPage(req, posted: form, failure: e)
        }
    }

    static func show(req: Request) async throws -> Response {
        let s = req.strings
        let e = try await Editions.find(try req.parameters.require("slug"), on: req.db)
        let snaps = try await Editions.snapshots(of: e, actor: req.actor, on: req.db)
        let names = try await Directory.departmentNames(on: req.db, language: s.lang)
        let rows: [[Body]] = snaps.map { r in
            [
                .link(SiteURL.resource(r.code).path, r.code, .cls("code")),
                .esc(s.isEnglish ? (r.nameEn ?? r.name) : r.name),
                .esc(names[r.departmentCode] ?? r.departmentCode),
                .esc(String(r.items.count)),
                .badge(s.label(r.sharing.type), "share-\(r.sharing.type.rawValue)")
            ]
        }
        let content: [Body] = [
            .div(
                .cls("page-head"),
                .p(.cls("crumbs"), .link(SiteURL.editions.path, s.t("目录版本", "Editions"))),
                .h1(.testid("page-title"), .esc(e.title)),
                .p(
                    .cls("sub"),
                    .esc(
                        s.t(
                            "\(e.year) 年第 \(e.phase) 期 · \(e.createdBy) 发布于 \(s.date(e.createdAt)) · 共 \(snaps.count) 个资源",
                            "\(e.year), phase \(e.phase) · published by \(e.createdBy) on \(s.date(e.createdAt)) · \(snaps.count) resources")))),
            .dataTable(
                [s.t("资源代码", "Code"), s.t("名称", "Name"), s.t("提供方", "Provider"), s.t("信息项", "Items"), s.t("共享", "Sharing")],
                rows, testid: "edition-resources")
        ]
        return Layout.render(req, title: e.title, content)
    }

    static func diff(req: Request) async throws -> Response {
        let s = req.strings
        let form = FormData(query: req)
        let editions = try await all(req)
        let options = editions.map { ($0.slug, "\($0.title)（\($0.slug)）") }
        let from = form["from"] ?? (editions.count > 1 ? editions[1].slug : ""), to = form["to"] ?? (editions.first?.slug ?? "")
        var content: [Body] = [
            .div(
                .cls("page-head"),
                .p(.cls("crumbs"), .link(SiteURL.editions.path, s.t("目录版本", "Editions"))),
                .h1(.testid("page-title"), .esc(s.t("版本比较", "Compare editions")))),
            .getForm(
                SiteURL.editionDiff.path,
                [
                    .cls("filter-bar"),
                    .el("label", .esc(s.t("从", "From")), .select("from", options, selected: from, .testid("diff-from"))),
                    .el("label", .esc(s.t("到", "To")), .select("to", options, selected: to, .testid("diff-to"))),
                    .submit(s.t("比较", "Compare"), .testid("diff-submit"))
                ])
        ]
        if !from.isEmpty, !to.isEmpty, form["from"] != nil || form["to"] != nil || editions.count > 1 {
            let a = try await Editions.find(from, on: req.db), b = try await Editions.find(to, on: req.db)
            let d = EditionDiff.between(
                try await Editions.snapshots(of: a, actor: req.actor, on: req.db),
                try await Editions.snapshots(of: b, actor: req.actor, on: req.db))
            content.append(result(d, s))
        }
        return Layout.render(req, title: s.t("版本比较", "Compare editions"), content)
    }

    static func result(_ d: EditionDiff, _ s: Strings) -> Body {
        func listed(_ items: [EditionDiff.Listed], _ id: String) -> Body {
            items.isEmpty
                ? .p(.cls("muted"), .esc(s.t("无", "None")))
                : .ul(
                    .cls("plain"), .testid(id),
                    .group(
                        items.map { r in
                            Node<HTML.ListContext>.li(.link(SiteURL.resource(r.code).path, r.code, .cls("code")), .esc(" " + r.name))
                        }))
        }
        return .div(
            .testid("diff-result"),
            .section(.cls("card"), .h2(.esc(s.t("新增（\(d.added.count)）", "Added (\(d.added.count))"))), listed(d.added, "diff-added")),
            .section(
                .cls("card"), .h2(.esc(s.t("变更（\(d.changed.count)）", "Changed (\(d.changed.count))"))),
                d.changed.isEmpty
                    ? .p(.cls("muted"), .esc(s.t("无", "None")))
                    : .group(
                        d.changed.map { c in
                            Body.div(
                                .cls("changed"), .testid("diff-changed"),
                                .h3(.link(SiteURL.resource(c.code).path, c.code, .cls("code")), .esc(" " + c.name)),
                                ResourceSections.changeTable(c.changes, s))
                        })),
            .section(.cls("card"), .h2(.esc(s.t("撤销（\(d.retired.count)）", "Retired (\(d.retired.count))"))), listed(d.retired, "diff-retired")))
    }
}
