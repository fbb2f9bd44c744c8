import Plot
import Vapor
import DataBankCore

/// The staff catalog's block of entries from nodes below (federation): shown under the local results
/// when a search has words, each card with the node (name and region) it comes from. Read-only: the
/// resource is managed at its own node.
enum FederatedCatalogSection {
    static let shown = 20

    /// A matching entry, with its apply form when the reader may apply and this node can address its owner.
    struct Match {
        var entry: FederatedEntry
        var applyLink: String?
    }

    /// The matches for the page's words (none without words, or before any child sent its catalog).
    static func entries(_ req: Request, query: String?) async throws -> [Match] {
        guard let query = query?.trimmingCharacters(in: .whitespaces), !query.isEmpty else { return [] }
        let found = try await FederatedCatalog.search(query, limit: shown, on: req.db)
        guard !found.isEmpty, let user = req.user, req.can(.applyForAccess, department: user.departmentCode) else {
            return found.map { Match(entry: $0, applyLink: nil) }
        }
        let peers = Set(try await FederationNodes.peers(on: req.db).map(\.code))
        return found.map { Match(entry: $0, applyLink: RemoteApplyPage.link($0, peers: peers)) }
    }

    static func render(_ matches: [Match], _ s: Strings) -> Body {
        guard !matches.isEmpty else { return .empty }
        return .section(
            .cls("federated"), .testid("federated-results"),
            .h2(.esc(s.t("下级节点的目录", "From the catalogs of nodes below"))),
            .ol(.cls("results"), .group(matches.map { Node<HTML.ListContext>.li(card($0.entry, apply: $0.applyLink, s)) })))
    }

    static func card(_ e: FederatedEntry, apply: String? = nil, _ s: Strings) -> Body {
        let node = e.originName(s.lang)
        return .article(
            .cls("result"), .testid("federated-result"),
            .h3(.esc(e.name)),
            .p(
                .cls("meta"),
                .span(.cls("node"), .testid("federated-node"), .esc(s.t("\(node)（\(e.originRegion)）", "\(node) (\(e.originRegion))"))),
                .span(.cls("code"), .esc(e.code)),
                .span(.esc(e.departmentName.isEmpty ? e.departmentCode : e.departmentName)),
                .span(.esc(s.t("\(e.itemCount) 个信息项", e.itemCount == 1 ? "1 item" : "\(e.itemCount) items")))),
            .p(
                .cls("badges"),
                CatalogSearchPage.sharingBadge(e.sharingType, s), CatalogSearchPage.openBadge(e.openType, s),
                .badge(s.t("只读 · 来自 \(node)", "Read-only · from \(node)"), "federated")),
            apply.map { link in
                .p(.link(link, s.t("向\(node)申请使用", "Apply at \(node)"), .cls("button small"), .testid("federated-apply")))
            } ?? .empty)
    }
}
