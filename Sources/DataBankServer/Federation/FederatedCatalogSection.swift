import Plot
import Vapor
import DataBankCore

/// The staff catalog's block of entries from nodes below (federation): shown under the local results
/// when a search has words, each card with the node (name and region) it comes from. Read-only: the
/// resource is managed at its own node.
enum FederatedCatalogSection {
    static let shown = 20

    /// The matches for the page's words (none without words, or before any child sent its catalog).
    static func entries(_ req: Request, query: String?) async throws -> [FederatedEntry] {
        guard let query = query?.trimmingCharacters(in: .whitespaces), !query.isEmpty else { return [] }
        return try await FederatedCatalog.search(query, limit: shown, on: req.db)
    }

    static func render(_ entries: [FederatedEntry], _ s: Strings) -> Body {
        guard !entries.isEmpty else { return .empty }
        return .section(
            .cls("federated"), .testid("federated-results"),
            .h2(.esc(s.t("下级节点的目录", "From the catalogs of nodes below"))),
            .ol(.cls("results"), .group(entries.map { Node<HTML.ListContext>.li(card($0, s)) })))
    }

    static func card(_ e: FederatedEntry, _ s: Strings) -> Body {
        .article(
            .cls("result"), .testid("federated-result"),
            .h3(.esc(e.name)),
            .p(
                .cls("meta"),
                .span(.cls("node"), .testid("federated-node"), .esc("\(e.originName)（\(e.originRegion)）")),
                .span(.cls("code"), .esc(e.code)),
                .span(.esc(e.departmentName.isEmpty ? e.departmentCode : e.departmentName)),
                .span(.esc(s.t("\(e.itemCount) 个信息项", e.itemCount == 1 ? "1 item" : "\(e.itemCount) items")))),
            .p(
                .cls("badges"),
                CatalogSearchPage.sharingBadge(e.sharingType, s), CatalogSearchPage.openBadge(e.openType, s),
                .badge(s.t("只读 · 来自 \(e.originName)", "Read-only · from \(e.originName)"), "federated")))
    }
}
