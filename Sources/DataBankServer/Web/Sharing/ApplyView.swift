import Plot
import Vapor
import DataBankCore

/// The apply form: the records form (items, masks, rows, period, app) unless the resource is
/// 不予共享, and the resource's verification services, each with an "apply for this service" button.
struct ApplyView {
    let req: Request
    let c: ApplyPage.Context
    let posted: FormData?
    let error: AppError?

    var s: Strings { req.strings }
    var postedService: Bool { posted?["service"].map { !$0.isEmpty } ?? false }

    func render(status: HTTPResponseStatus = .ok) -> Response {
        let name = s.isEnglish ? (c.resource.nameEn ?? c.resource.name) : c.resource.name
        let title = s.t("申请使用：\(name)", "Apply for: \(name)")
        var content: [Body] = [
            .div(
                .cls("page-head"),
                .p(
                    .cls("crumbs"), .link(SiteURL.catalog.path, s.t("目录", "Catalog")), .text(" › "),
                    .link(SiteURL.resource(c.resource.code).path, name)),
                .h1(.testid("page-title"), .esc(title))),
            about()
        ]
        if c.own {
            content.append(
                .banner(
                    "info", .p(.esc(s.t("本部门提供该资源，无需申请。", "Your department provides this resource; it needs no application."))),
                    testid: "own-resource"))
        } else {
            if c.sharing != .none { content.append(recordsForm()) }
            if !c.services.isEmpty || c.sharing == .none { content.append(servicesForm()) }
        }
        let banner = SharingFormView(s: s, errors: FieldErrors(error)).summary(error)
        return Layout.render(req, title: title, status: status, path: SharingWeb.applyLink(c.resource.code), banners: [banner], content)
    }

    func about() -> Body {
        let explain: String
        switch c.sharing {
        case .unconditional: explain = s.t("无条件共享：提交即获授权，申请仍记录在案。", "Unconditional sharing: the grant is made at once; the application is still recorded.")
        case .conditional:
            explain = s.t(
                "有条件共享：提供方须在 \(SharingAPI.reviewDays) 个工作日内审核。须填写申请依据。",
                "Conditional sharing: the provider decides within \(SharingAPI.reviewDays) working days. A legal basis is required.")
        case .none:
            explain = s.t(
                "不予共享：不能申请数据本身，可申请下列核验服务（只返回核验结果）。",
                "Not shared: the records cannot be applied for; its verification services (answers only) can.")
        }
        return .section(
            .cls("card"), .testid("apply-about"),
            .fields([
                (s.t("提供方", "Provider"), .link(SiteURL.department(c.providerCode).path, c.providerName)),
                (s.field("sharing.type"), .badge(s.label(c.sharing), "share-\(c.sharing.rawValue)", testid: "sharing-type")),
                (s.field("sharing.condition"), ResourceSections.text(c.snapshot?.sharing.condition))
            ]), .p(.cls("hint"), .esc(explain)))
    }

    func value(_ name: String, service: Bool, _ fallback: String = "") -> String {
        guard let posted, postedService == service else { return fallback }
        return posted.raw(name)
    }

    func recordsForm() -> Body {
        let f = SharingFormView(s: s, errors: postedService ? FieldErrors() : FieldErrors(error))
        let checked: Set<String> = posted != nil && !postedService ? Set(posted!.all("items")) : Set(c.layout.columns.map(\.name))
        let scope = ScopeFields(
            s: s, form: f, items: ScopeFields.items(c.layout, snapshot: c.snapshot), checked: checked,
            masks: posted != nil && !postedService ? ScopeFields.posted(posted!) : [:], defaults: c.defaults)
        let apps: [(String, String)] = [("", s.t("不绑定应用", "No app"))] + c.apps.map { ($0.id?.uuidString ?? "", "\($0.name)（\($0.prefix)…）") }
        return .section(
            .cls("card"),
            .h2(.esc(s.t("申请数据", "Apply for the records"))),
            .postForm(
                SharingWeb.applyLink(c.resource.code), csrf: req.csrfToken,
                [
                    .cls("sharing-form"), .attr("novalidate", ""), .testid("apply-form"),
                    .group(
                        Self.recordFields(
                            f, s, scope: scope, value: { value($0, service: false, $1) },
                            purposeHint: s.t("说明数据用于哪项业务，提供方和审计记录都会看到。", "What the data is for; the provider and the audit trail see it."),
                            masksHint: s.t(
                                "勾选需要的信息项。脱敏规则默认按敏感级别预选；选择比默认更明文的规则须说明理由。",
                                "Tick the items you need. Masks are preselected from each item's sensitivity; a mask revealing more than the default needs a reason."
                            ),
                            extra: [
                                f.field(
                                    "app", s.t("绑定应用（可选）", "Bind to an app (optional)"),
                                    .select("app", apps, selected: value("app", service: false), .testid("input-app")))
                            ])),
                    .div(
                        .cls("form-actions"),
                        .submit(s.t("提交申请", "Submit the application"), .cls("primary"), .testid("apply-submit")),
                        .link(SiteURL.resource(c.resource.code).path, s.t("取消", "Cancel"), .cls("button")))
                ]))
    }

    /// The records form's fields, shared with the form for another node's resource (``RemoteApplyView``):
    /// purpose and legal basis, the items and their masks, the row scope and the period (`extra` after it).
    static func recordFields(
        _ f: SharingFormView, _ s: Strings, scope: ScopeFields, value: (String, String) -> String, purposeHint: String, masksHint: String,
        extra: [Body] = []
    ) -> [Body] {
        [
            .div(
                .cls("grid"),
                f.area("purpose", s.t("用途（必填）", "Purpose (required)"), value: value("purpose", ""), hint: purposeHint),
                f.text(
                    "legalBasis", s.t("申请依据", "Legal basis"), value: value("legalBasis", ""),
                    hint: s.t("法律法规或文件依据；有条件共享时必填。", "The law or document that entitles you; required for conditional sharing."), wide: true)),
            .el(
                "fieldset", .el("legend", .esc(s.t("信息项与脱敏", "Items and masks"))),
                .p(.cls("hint"), .esc(masksHint)),
                scope.table(),
                f.area(
                    "unmaskReason", s.t("不脱敏理由", "Reason for unmasking"), value: value("unmaskReason", ""),
                    hint: s.t("仅当所选规则比默认更明文时需要。", "Needed only when a mask reveals more than the default."))),
            .div(
                .cls("grid"),
                f.text(
                    "rowFilter", s.t("行范围", "Row scope"), value: value("rowFilter", ""),
                    hint: s.t(
                        "只申请部分行时填写，如 region_code=440604；多个条件以 & 连接，多个取值以逗号分隔。留空为全部行。",
                        "To ask for some rows only, e.g. region_code=440604; join conditions with &, list values with commas. Empty: all rows."),
                    placeholder: "region_code=440604"),
                f.text("validFrom", s.t("起始日期", "Valid from"), value: value("validFrom", ""), type: "date", hint: s.t("留空为今天。", "Empty: today.")),
                f.text(
                    "validUntil", s.t("截止日期（必填）", "Valid until (required)"), value: value("validUntil", SharingWeb.day(plus: 365)), type: "date",
                    hint: s.t("最长 \(SharingPolicy.maximumYears) 年。", "At most \(SharingPolicy.maximumYears) years."), required: true),
                .group(extra))
        ]
    }

    func servicesForm() -> Body {
        let f = SharingFormView(s: s, errors: postedService ? FieldErrors(error) : FieldErrors())
        guard !c.services.isEmpty else {
            return .section(
                .cls("card"), .testid("services"), .h2(.esc(s.t("核验服务", "Verification services"))),
                SharingWeb.empty(s, "no-services", "该资源暂无核验服务。", "This resource offers no verification service."))
        }
        let rows: [[Body]] = c.services.map { svc in
            [
                .esc(s.isEnglish ? (svc.nameEn ?? svc.name) : svc.name), .span(.cls("code"), .esc(svc.code)),
                .esc(ResourceSharingSection.answerKind(svc.verificationSpec, s)),
                .submit(
                    s.t("申请此服务", "Apply for this service"), .attr("name", "service"), .attr("value", svc.code), .cls("primary small"),
                    .testid("apply-service-\(svc.code)"))
            ]
        }
        return .section(
            .cls("card"), .testid("services"),
            .h2(.esc(s.t("核验服务", "Verification services"))),
            .p(
                .cls("hint"),
                .esc(
                    s.t(
                        "核验服务只回答“是/否”、数量区间或类别，不提供数据本身。",
                        "A verification service answers yes/no, a count band or a category, never the records themselves."))),
            .postForm(
                SharingWeb.applyLink(c.resource.code), csrf: req.csrfToken,
                [
                    .cls("sharing-form"), .attr("novalidate", ""), .testid("service-form"),
                    .div(
                        .cls("grid"),
                        f.area("purpose", s.t("用途（必填）", "Purpose (required)"), value: value("purpose", service: true), prefix: "svc-"),
                        f.text("legalBasis", s.t("申请依据（必填）", "Legal basis (required)"), value: value("legalBasis", service: true), wide: true, prefix: "svc-"),
                        f.text(
                            "validUntil", s.t("截止日期（必填）", "Valid until (required)"), value: value("validUntil", service: true, SharingWeb.day(plus: 365)),
                            type: "date", required: true, prefix: "svc-")),
                    .dataTable([s.t("服务名称", "Service"), s.t("代码", "Code"), s.t("答复", "Answer"), ""], rows, testid: "services-table")
                ]))
    }
}
