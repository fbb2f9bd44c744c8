import Fluent
import Plot
import Vapor
import DataBankCore

/// The department's applications at peer nodes (跨节点申请), a section of the sharing inbox: where each
/// went, its state as last learned from the owner (or its delivery: queued, refused), the grant's.
enum RemoteApplicationsSection {
    /// Nil when the department has none (the inbox shows no empty section for a node without peers).
    static func render(_ req: Request) async throws -> (tab: (String, String, Int?), section: Body)? {
        let user = try req.requireUser()
        let rows = try await FederationApplicationRow.query(on: req.db).filter(\.$departmentCode == user.departmentCode)
            .sort(\.$createdAt, .descending).all()
        guard !rows.isEmpty else { return nil }
        let s = req.strings
        let names = try await RemoteApplications.nodeNames(on: req.db, language: req.language)
        // An application made before the owner's catalog entry reached this node has no name kept: the
        // entry's, when it has arrived since.
        var resourceNames: [UUID: String] = [:]
        for row in rows where row.resourceName == nil {
            if let id = row.id, let found = try await FederatedCatalog.find(origin: row.peerNode, code: row.resourceCode, on: req.db) {
                resourceNames[id] = found.0.name
            }
        }
        let table: Body = .dataTable(
            [s.t("节点", "Node"), s.t("资源", "Resource"), s.t("状态", "Status"), s.t("授权", "Grant"), s.t("申请时间", "Applied"), ""],
            rows.map { row in
                let state: Body =
                    switch row.status {
                    case FederationApplicationRow.queued:
                        .badge(s.t("待送达（将重试）", "Queued (retried)"), "state-draft", testid: "application-status")
                    case FederationApplicationRow.refused:
                        .badge(s.t("对端拒收", "Refused by the node"), "share-none", testid: "application-status")
                    default: SharingWeb.statusBadge(row.status, s)
                    }
                return [
                    .esc(names[row.peerNode] ?? row.peerNode),
                    .esc(((row.resourceName ?? row.id.flatMap { resourceNames[$0] }).map { "\($0)（\(row.resourceCode)）" }) ?? row.resourceCode),
                    .group([state, row.lastError.map { .span(.cls("muted"), .esc(" " + $0)) } ?? .empty]),
                    row.grantState.map { .group([SharingWeb.grantState($0, s), .esc(row.grantedUntil.map { " → \($0)" } ?? "")]) } ?? .esc("—"),
                    .esc(row.createdAt.map { s.dateTime($0) } ?? ""),
                    .link("/api/v1/federation/applications/\(row.id?.uuidString ?? "")", "JSON")
                ]
            }, testid: "remote-applications")
        let section: Body = .section(
            .cls("card"), .attr("id", "remote"), .h2(.esc(s.t("跨节点申请（\(rows.count)）", "Applications at other nodes (\(rows.count))"))),
            .p(
                .cls("hint"),
                .esc(
                    s.t(
                        "向其他节点（如区县）提出的申请：由资源所在节点的提供方审核，授权保存在该节点；本节点定期取回决定。",
                        "Applications made at other nodes (a district, say): decided there by the provider, the grant kept there; this node fetches the decision."
                    ))),
            table)
        return (("remote", s.t("跨节点申请", "At other nodes"), rows.count), section)
    }
}
