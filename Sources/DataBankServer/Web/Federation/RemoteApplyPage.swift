import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /federation/:node/resources/:code/apply` shows the application form for a resource another node
/// owns (an entry of the federated catalog); `POST` sends it through
/// ``RemoteApplications/file(_:by:app:)``, as the API does, and goes to the sharing inbox's
/// "at other nodes" section. The owner decides under its rules and keeps the grant; its refusal (an
/// invalid field, a resource withdrawn there) is shown on the form as it gave it.
enum RemoteApplyPage {
    /// What the form needs: the entry as the catalog received it, and whether its node can be addressed.
    struct Context {
        var entry: FederatedEntry
        var snapshot: ResourceSnapshot?
        var defaults: [String: MaskRule]
        /// The owner is a registered peer of this node (else the form cannot be sent).
        var reachable: Bool
        var keys: [String] { (snapshot?.items ?? []).filter(\.primaryKey).map(\.column) }
    }

    static func show(req: Request) async throws -> Response {
        RemoteApplyView(req: req, c: try await load(req), posted: nil, error: nil).render()
    }

    static func submit(req: Request) async throws -> Response {
        let c = try await load(req)
        let user = try req.requireUser()
        let form = FormData(body: req)
        let (items, masks) = ScopeFields.parse(form, keys: c.keys)
        let input = RemoteApplicationInput(
            node: c.entry.origin, resource: c.entry.code, purpose: form.raw("purpose").trimmingCharacters(in: .whitespacesAndNewlines),
            legalBasis: form["legalBasis"].flatMap { $0.isEmpty ? nil : $0 }, items: items.isEmpty ? nil : items,
            rowFilter: form["rowFilter"].flatMap { $0.isEmpty ? nil : $0 }, masks: masks.isEmpty ? nil : masks,
            unmaskReason: form["unmaskReason"].flatMap { $0.isEmpty ? nil : $0 }, validFrom: form["validFrom"].flatMap { $0.isEmpty ? nil : $0 },
            validUntil: form["validUntil"] ?? "")
        do {
            let (_, queued) = try await RemoteApplications.file(input, by: user, app: req.application)
            return Layout.seeOther("\(SiteURL.sharing.path)?done=\(queued ? "remote-queued" : "remote-sent")#remote")
        } catch {
            // Whatever the owner refused with (a 404 for a resource withdrawn there included) is the applicant's to read.
            let e = AppError.from(error)
            guard (400..<500).contains(e.status.code), e.status != .unauthorized else { throw error }
            return RemoteApplyView(req: req, c: c, posted: form, error: e).render(status: e.status == .notFound ? .unprocessableEntity : e.status)
        }
    }

    static func load(_ req: Request) async throws -> Context {
        let user = try req.requireUser()
        try req.authorize(.applyForAccess, department: user.departmentCode)
        let node = try req.parameters.require("node"), code = try req.parameters.require("code")
        guard let found = try await FederatedCatalog.find(origin: node, code: code, on: req.db), found.0.status == "published" else {
            throw AppError.notFound("Resource \(code) of node \(node)")
        }
        let entry = found.0, snapshot = JSONText.decode(ResourceSnapshot.self, found.1)
        return Context(
            entry: entry, snapshot: snapshot, defaults: try await GrantAccess.defaultMasks(snapshot: snapshot, on: req.db),
            reachable: try await FederationNodes.peer(node, on: req.db) != nil)
    }

    /// Where a federated entry's apply form is, or nil when this node cannot address its owner.
    static func link(_ entry: FederatedEntry, peers: Set<String>) -> String? {
        guard peers.contains(entry.origin), entry.status == "published", entry.sharingType != SharingType.none.rawValue else { return nil }
        return SiteURL.peerApply(entry.origin, entry.code).path
    }
}

/// The cross-node apply form: the entry's owner and terms, then the records form (items and masks from
/// the entry's published items, rows, period). No app binding (apps are this node's) and no
/// verification services (those are answered at their own node).
struct RemoteApplyView {
    let req: Request
    let c: RemoteApplyPage.Context
    let posted: FormData?
    let error: AppError?

    var s: Strings { req.strings }

    func render(status: HTTPResponseStatus = .ok) -> Response {
        let e = c.entry, node = e.originName(s.lang)
        let title = s.t("向\(node)申请：\(e.name)", "Apply at \(node): \(e.name)")
        var content: [Body] = [
            .div(
                .cls("page-head"),
                .p(
                    .cls("crumbs"), .link(SiteURL.catalog.path, s.t("目录", "Catalog")), .text(" › "),
                    .esc(s.t("下级节点的目录", "From nodes below")), .text(" › "), .esc(node)),
                .h1(.testid("page-title"), .esc(title))),
            about()
        ]
        if !c.reachable {
            content.append(
                .banner(
                    "info",
                    .p(
                        .esc(
                            s.t(
                                "本节点尚未与\(node)（\(e.origin)）互相登记，不能直接向其申请：请数据管理机构先登记该节点。",
                                "This node and \(node) (\(e.origin)) have not registered each other, so it cannot be applied at directly: the data authority registers it first."
                            ))), testid: "peer-not-registered"))
        } else if e.sharingType == SharingType.none.rawValue {
            content.append(
                .banner(
                    "info",
                    .p(
                        .esc(
                            s.t(
                                "该资源不予共享：记录不能申请；其核验服务只在\(node)提供。",
                                "This resource is not shared: its records cannot be applied for; its verification services are offered at \(node) only."
                            ))), testid: "not-shared"))
        } else {
            content.append(form())
        }
        let banner = SharingFormView(s: s, errors: FieldErrors(error)).summary(error)
        return Layout.render(req, title: title, status: status, path: SiteURL.sharing.path, banners: [banner], content)
    }

    func about() -> Body {
        let e = c.entry, node = e.originName(s.lang)
        let sharing = SharingType(rawValue: e.sharingType) ?? .conditional
        return .section(
            .cls("card"), .testid("remote-apply-about"),
            .fields([
                (s.t("所属节点", "Node"), .esc(s.t("\(node)（\(e.originRegion)）", "\(node) (\(e.originRegion))"))),
                (s.t("提供方", "Provider"), .esc(e.departmentName.isEmpty ? e.departmentCode : e.departmentName)),
                (s.t("资源代码", "Resource code"), .span(.cls("code"), .esc(e.code))),
                (s.field("sharing.type"), .badge(s.label(sharing), "share-\(sharing.rawValue)", testid: "sharing-type")),
                (s.field("sharing.condition"), ResourceSections.text(c.snapshot?.sharing.condition))
            ]),
            .p(
                .cls("hint"),
                .esc(
                    s.t(
                        "申请将签名送达\(node)，由其提供方按该节点的规则审核，授权保存在该节点；本节点定期取回决定，获批后可用“其他节点（转接）”连接器转接数据。",
                        "The application is sent signed to \(node), decided there by the provider under that node's rules, and the grant is kept there; this node fetches the decision, and once approved a connector of kind “Another DataBank (relay)” relays the records."
                    ))))
    }

    func value(_ name: String, _ fallback: String) -> String { posted?.raw(name) ?? fallback }

    func form() -> Body {
        let f = SharingFormView(s: s, errors: FieldErrors(error))
        let items = (c.snapshot?.items ?? []).map { ScopeFields.Item(column: $0.column, name: $0.name, primaryKey: $0.primaryKey, sensitivity: $0.sensitivity) }
        let checked: Set<String> = posted.map { Set($0.all("items")) } ?? Set(items.map(\.column))
        let scope = ScopeFields(s: s, form: f, items: items, checked: checked, masks: posted.map(ScopeFields.posted) ?? [:], defaults: c.defaults)
        return .section(
            .cls("card"),
            .h2(.esc(s.t("申请数据", "Apply for the records"))),
            .postForm(
                SiteURL.peerApply(c.entry.origin, c.entry.code).path, csrf: req.csrfToken,
                [
                    .cls("sharing-form"), .attr("novalidate", ""), .testid("remote-apply-form"),
                    .group(
                        ApplyView.recordFields(
                            f, s, scope: scope, value: value,
                            purposeHint: s.t("说明数据用于哪项业务，对端提供方和两端的审计记录都会看到。", "What the data is for; the provider there and both audit trails see it."),
                            masksHint: s.t(
                                "勾选需要的信息项。脱敏规则按敏感级别预选；最终以对端的默认规则为准，选择比其默认更明文的规则须说明理由。",
                                "Tick the items you need. Masks are preselected from each item's sensitivity; the owner's defaults rule, and a mask revealing more than them needs a reason."
                            ))),
                    .div(
                        .cls("form-actions"),
                        .submit(s.t("发送申请", "Send the application"), .cls("primary"), .testid("remote-apply-submit")),
                        .link(SiteURL.catalog.path, s.t("取消", "Cancel"), .cls("button")))
                ]))
    }
}
