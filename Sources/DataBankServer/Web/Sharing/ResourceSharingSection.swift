import Fluent
import Plot
import Vapor
import DataBankCore

/// The resource page's 共享与核验 section: its sharing type, who holds active grants, its
/// verification services, and the Apply button for other departments.
enum ResourceSharingSection {
    static func render(_ req: Request, row: ResourceRow, names: [String: String]) async throws -> Body {
        guard CatalogService.isInCatalog(row),
            let store = try await RecordStoreRow.query(on: req.db).filter(\.$resourceCode == row.code).first()
        else { return .empty }
        let s = req.strings
        let today = req.application.today.iso
        let grants = try await GrantRow.query(on: req.db).filter(\.$resourceCode == row.code).filter(\.$revokedAt == nil)
            .filter(\.$validFrom <= today).filter(\.$validUntil >= today).sort(\.$validUntil).all()
        let services = try await VerificationServiceRow.query(on: req.db).filter(\.$resourceCode == row.code).filter(\.$retiredAt == nil)
            .sort(\.$code).all()
        let sharing = SharingType(rawValue: row.sharingType) ?? .conditional
        var apply: Body = .empty
        if let user = req.user, user.departmentCode != store.departmentCode, req.can(.applyForAccess, department: user.departmentCode) {
            apply = .p(.link(SharingWeb.applyLink(row.code), s.t("申请使用", "Apply"), .cls("button primary"), .testid("apply-link")))
        }
        // A reader of the records may flag a wrong value (数据纠错): the provider, a grant holder, anyone for open data.
        let reads =
            req.user.map { user in
                req.can(.readRecords, department: store.departmentCode) || row.openType == OpenType.unconditional.rawValue
                    || grants.contains { $0.kind == "resource" && $0.consumerCode == user.departmentCode }
            } ?? false
        // Objection counts are for signed-in users, as in the API.
        let counts = req.user == nil ? nil : try await Objections.counts(resource: row.code, on: req.db)
        let objection: Body =
            counts.map { counts in
                .p(
                    .testid("objection-counts"),
                    reads
                        ? .link(
                            ObjectionFormPage.link(row.code, key: ""), s.t("数据纠错", "Report an error in the data"), .cls("button"),
                            .testid("objection-form-link"))
                        : .empty,
                    .text(" "),
                    .span(
                        .cls("muted"),
                        .esc(
                            s.t(
                                "纠错：待处理 \(counts.open)，已采纳 \(counts.accepted)，未采纳 \(counts.rejected)",
                                "Objections: \(counts.open) open, \(counts.accepted) accepted, \(counts.rejected) rejected"))))
            } ?? .empty
        let holders: Body =
            grants.isEmpty
            ? SharingWeb.empty(s, "no-grants", "暂无部门持有有效授权。", "No department holds an active grant.")
            : .dataTable(
                [s.t("使用部门", "Consumer"), s.t("类型", "Kind"), s.t("信息项", "Items"), s.t("有效期至", "Until")],
                grants.map { g in
                    [
                        .esc(names[g.consumerCode] ?? g.consumerCode),
                        .esc(g.kind == "service" ? s.t("核验服务 \(g.serviceCode ?? "")", "Service \(g.serviceCode ?? "")") : s.t("数据", "Records")),
                        .esc(g.kind == "service" ? "—" : String(g.grantScope.items.count)),
                        .esc(g.validUntil)
                    ]
                }, testid: "grant-holders", cls: "data compact")
        let serviceList: Body =
            services.isEmpty
            ? SharingWeb.empty(s, "no-services", "暂无核验服务。", "No verification services.")
            : .dataTable(
                [s.t("服务名称", "Service"), s.t("代码", "Code"), s.t("答复", "Answer")],
                services.map { svc in
                    [
                        .esc(s.isEnglish ? (svc.nameEn ?? svc.name) : svc.name), .span(.cls("code"), .esc(svc.code)),
                        .esc(answerKind(svc.verificationSpec, s))
                    ]
                }, testid: "verification-services", cls: "data compact")
        let minGroup = try await AggregateSettings.form(req, store: store)
        return .section(
            .cls("card"), .attr("id", "sharing"), .testid("resource-governed-sharing"),
            .h2(.esc(s.t("共享与核验", "Sharing and verification"))),
            .p(.badge(s.label(sharing), "share-\(sharing.rawValue)")),
            apply,
            objection,
            .h3(.esc(s.t("持有有效授权的部门（\(grants.count)）", "Departments holding active grants (\(grants.count))"))),
            holders,
            .h3(.esc(s.t("核验服务（\(services.count)）", "Verification services (\(services.count))"))),
            serviceList,
            minGroup)
    }

    /// What a service answers: 是/否, 数量区间, 类别.
    static func answerKind(_ spec: VerificationSpec?, _ s: Strings) -> String {
        switch spec?.answer {
        case .yesNo?: s.t("是/否", "Yes/no")
        case .countBand?: s.t("数量区间", "Count band")
        case .category?: s.t("类别", "Category")
        case nil: "—"
        }
    }
}
