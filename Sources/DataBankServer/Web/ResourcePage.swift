import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /catalog/resources/:code` and the forms posted from it (review steps, comments).
enum ResourcePage {
    /// Everything the page shows, loaded once.
    struct Model {
        var row: ResourceRow
        var detail: ResourceDetail
        /// The snapshot shown: the catalog's, or the `?revision=N` one.
        var snapshot: ResourceSnapshot
        var viewingRevision: Int?
        var departmentNames: [String: String]
        var standardNames: [String: String]
        var revisions: [RevisionRow]
        var transitions: [TransitionRow]?
        var editions: [(slug: String, title: String, revision: Int)]
        var comments: [CommentRow]?
        var seesAllComments: Bool
        var pendingChanges: [FieldChange]?
        var canComment: Bool
        /// Whether to link the records page: the resource has a store the viewer may read.
        var recordsLink: Bool
        /// Whether to link the chart builder: the records link, for someone who may make charts.
        var chartLink: Bool = false
    }

    static func show(req: Request) async throws -> Response {
        let query = FormData(query: req)
        let s = req.strings
        var banners: [Body] = []
        if let done = query["done"] {
            if done == "saved" {
                banners.append(Layout.okBanner(s.t("已保存。", "Saved.")))
            } else if done == "comment" {
                banners.append(Layout.okBanner(s.t("意见已提交。", "Your comment was added.")))
            } else if let a = LifecycleAction(rawValue: done) {
                banners.append(Layout.okBanner(s.t("已完成：\(a.zh)", "Done: \(a.en)")))
            }
        }
        return try await render(req, code: try req.parameters.require("code"), revision: query.int("revision"), banners: banners)
    }

    static func load(_ req: Request, code: String, revision: Int?) async throws -> Model {
        let service = CatalogService(req: req)
        let row = try await service.visible(code: code)
        let detail = try await ResourceDetail.make(row, req: req)
        let seesWorking = service.canSeeWorking(row)
        var snapshot = detail.resource
        if let revision {
            let rev = try await service.revision(row, number: revision)
            guard rev.publishedAt != nil || seesWorking, let snap = rev.resourceSnapshot else { throw AppError.notFound("Revision \(revision)") }
            snapshot = snap
        }
        let codes = Array(Set(snapshot.items.map(\.standardCode) + (detail.working?.items.map(\.standardCode) ?? [])))
        let standards = codes.isEmpty ? [] : try await StandardRow.query(on: req.db).filter(\.$code ~~ codes).all()
        let allRevisions = try await service.revisions(row)
        var pending: [FieldChange]?
        // A change in public notice is shown to everyone: what is about to change is what the notice is for.
        let noticed = row.state == .notice ? try await service.workingSnapshot(row) : nil
        if seesWorking || noticed != nil, let published = row.publishedRevision, published != row.workingRevision,
            let working = detail.working ?? noticed,
            let before = try await service.revision(row, number: published).resourceSnapshot
        {
            pending = ResourceDiff.changes(from: before, to: working)
        }
        // The way into the records for whoever the one read decision lets read them (the provider, a
        // granted department, anyone for open data).
        let decided = try await StoreReading.decide(req, code: row.code)
        let readsRecords = decided.store != nil && [ReadAccess.full, .grant, .openPortal].contains(decided.access)
        return Model(
            row: row, detail: detail, snapshot: snapshot, viewingRevision: revision,
            departmentNames: try await Directory.departmentNames(on: req.db, language: req.language),
            standardNames: Dictionary(standards.map { ($0.code, req.language == "en" ? ($0.nameEn ?? $0.name) : $0.name) }, uniquingKeysWith: { a, _ in a }),
            revisions: seesWorking ? allRevisions : allRevisions.filter { $0.publishedAt != nil },
            transitions: seesWorking ? try await service.transitions(row) : nil,
            editions: try await Editions.membership(resourceID: row.requireID(), on: req.db),
            comments: req.user == nil && row.state != .notice ? nil : try await service.comments(row),
            seesAllComments: service.seesAllComments(row),
            pendingChanges: pending,
            canComment: row.state == .notice && service.allowed(.comment, row.departmentCode),
            recordsLink: readsRecords, chartLink: readsRecords && req.can(.manageCharts, department: req.user?.departmentCode))
    }

    /// The page, optionally with banners (an error of a posted form) and the posted text kept.
    static func render(
        _ req: Request, code: String, revision: Int? = nil, banners: [Body] = [], status: HTTPResponseStatus = .ok,
        posted: FormData? = nil, failedAction: String? = nil
    ) async throws -> Response {
        let m = try await load(req, code: code, revision: revision)
        let s = req.strings
        let snap = m.snapshot
        let content: [Body] = [
            head(m, s),
            ResourceSections.actions(m, req: req, posted: posted, failedAction: failedAction),
            .div(
                .cls("columns"),
                .section(.cls("card"), .testid("resource-fields"), .h2(.esc(s.t("基本信息", "Metadata"))), ResourceSections.metadata(snap, m, s)),
                .section(.cls("card"), .testid("resource-sharing"), .h2(.esc(s.t("共享与开放", "Sharing and opening"))), ResourceSections.sharing(snap, s))),
            m.viewingRevision == nil ? try await ResourceSharingSection.render(req, row: m.row, names: m.departmentNames) : .empty,
            m.viewingRevision == nil && CatalogService.isInCatalog(m.row) ? try await HeatSection.render(req, code: m.row.code) : .empty,
            m.viewingRevision == nil ? try await SubjectViewSection.render(req, row: m.row, posted: failedAction == "subject-view" ? posted : nil) : .empty,
            .section(
                .cls("card"), .attr("id", "items"),
                .h2(.esc(s.t("信息项（\(snap.items.count)）", "Information items (\(snap.items.count))"))),
                ResourceSections.items(snap.items, standards: m.standardNames, s)),
            m.pendingChanges.map { ResourceSections.pending($0, m, s) } ?? .empty,
            ResourceSections.history(m, s),
            m.comments.map { ResourceSections.comments($0, m, req: req, posted: posted) } ?? .empty
        ]
        let title = s.isEnglish ? (snap.nameEn ?? snap.name) : snap.name
        return Layout.render(req, title: title, status: status, path: SiteURL.resource(code).path, banners: banners, content)
    }

    static func head(_ m: Model, _ s: Strings) -> Body {
        let snap = m.snapshot, row = m.row
        let state = row.state
        var extra: [Body] = [
            .p(
                .cls("badges"),
                .span(.cls("code"), .testid("resource-code"), .esc(snap.code)),
                .badge(s.label(state), "state-\(state.rawValue)", testid: "resource-status"),
                snap.classified ? .badge(s.t("涉密", "Classified"), "secret") : .empty,
                state == .notice
                    ? .span(
                        .cls("notice-end"), .testid("notice-end"),
                        .esc(s.t("公示截止：\(s.dateTime(row.noticeEndsAt))", "Public notice ends \(s.dateTime(row.noticeEndsAt))"))) : .empty)
        ]
        if let r = m.viewingRevision {
            extra.append(
                .banner(
                    "info",
                    .p(
                        .esc(s.t("正在查看第 \(r) 版。", "Viewing revision \(r).")), .text(" "),
                        .link(SiteURL.resource(snap.code).path, s.t("返回当前版本", "Back to the current entry")))))
        }
        if m.recordsLink {
            extra.append(.link(SiteURL.resource(snap.code, .records).path, s.t("数据", "Records"), .cls("button"), .testid("records-link")))
        }
        // The chart builder, for whoever may make charts (what they see of the data is still their read decision).
        if m.chartLink {
            extra.append(.link(SiteURL.newChart.with([("resource", snap.code)]), s.t("做图表", "Make a chart"), .cls("button"), .testid("make-chart-link")))
        }
        if row.publishedRevision != nil {
            extra.append(.link(SiteURL.resource(snap.code, .rules).path, s.t("质量规则", "Quality rules"), .cls("button"), .testid("rules-link")))
            extra.append(.link(SiteURL.resource(snap.code, .quality).path, s.t("数据质量", "Data quality"), .cls("button"), .testid("quality-link")))
            extra.append(.link(SiteURL.resource(snap.code, .profile).path, s.t("字段画像", "Column profile"), .cls("button"), .testid("profile-link")))
        }
        // Frictionless downloads: the schema for anyone who sees the entry; the package (with data) as the records.
        extra.append(.link("/api/v1/resources/\(Escape.url(snap.code))/schema.json", "Table Schema", .cls("button"), .testid("tableschema-link")))
        if m.recordsLink {
            extra.append(.link("/api/v1/resources/\(Escape.url(snap.code))/datapackage.zip", "Data Package", .cls("button"), .testid("datapackage-link")))
        }
        if m.detail.editable {
            extra.append(.link(SiteURL.resource(snap.code, .edit).path, s.t("编辑", "Edit"), .cls("button"), .testid("edit-link")))
        }
        let sub = s.isEnglish ? (snap.nameEn == nil ? nil : snap.name) : snap.nameEn
        return .div(
            .cls("page-head"),
            .p(
                .cls("crumbs"), .link(SiteURL.catalog.path, s.t("目录", "Catalog")), .text(" › "),
                .link(SiteURL.department(snap.departmentCode).path, m.departmentNames[snap.departmentCode] ?? snap.departmentCode)),
            .h1(.testid("page-title"), .esc(s.isEnglish ? (snap.nameEn ?? snap.name) : snap.name)),
            sub.map { Body.p(.cls("sub"), .esc($0)) } ?? .empty,
            .group(extra))
    }

    // MARK: Posted forms

    /// `POST …/transition` (action, reason, version).
    static func transition(req: Request) async throws -> Response {
        let code = try req.parameters.require("code")
        _ = try req.requireUser()
        let form = FormData(body: req)
        let raw = form["action"] ?? ""
        do {
            guard let action = LifecycleAction(rawValue: raw) else {
                throw AppError.field(.badRequest, "invalid_action", "action", zh: "未知操作：\(raw)", en: "Unknown action \(raw)")
            }
            let reason = form.raw("reason").trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try await CatalogService(req: req).transition(code: code, action: action, reason: reason.isEmpty ? nil : reason, version: form.int("version"))
            return Layout.seeOther("\(SiteURL.resource(code).path)?done=\(action.rawValue)")
        } catch {
            return try await failed(error, req: req, code: code, posted: form, action: raw)
        }
    }

    /// `POST …/comments` (body).
    static func comment(req: Request) async throws -> Response {
        let code = try req.parameters.require("code")
        _ = try req.requireUser()
        let form = FormData(body: req)
        do {
            let c = try await CatalogService(req: req).comment(code: code, body: form.raw("body"))
            try await ResourceAPI.auditComment(req, c)
            return Layout.seeOther("\(SiteURL.resource(code).path)?done=comment#comments")
        } catch {
            return try await failed(error, req: req, code: code, posted: form, action: "comment")
        }
    }

    /// Shows the resource page again with the error on top; errors the page cannot show
    /// (not found, not signed in, server errors) become error pages.
    static func failed(_ error: any Error, req: Request, code: String, posted: FormData, action: String) async throws -> Response {
        let e = AppError.from(error)
        guard (400..<500).contains(e.status.code), e.status != .notFound, e.status != .unauthorized else { throw error }
        return try await render(
            req, code: code, banners: [Layout.errorBanner(e, req.strings)], status: e.status,
            posted: posted, failedAction: action)
    }
}
