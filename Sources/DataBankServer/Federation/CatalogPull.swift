import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The parent's side of the catalog's flow up: pulls a child's catalog feed from the cursor it kept,
/// page by page, each page written with the cursor in one transaction (a pull killed mid-way resumes
/// at the last page written, and a page is never applied twice), under a lease on the child's row so
/// two instances never pull one child at once (the connector scheduler's pattern).
///
/// Pull, not push: the parent decides when, holds the one cursor per child and resumes after its own
/// or the child's outage without the child keeping any state about its parent; a child only answers.
enum CatalogPull {
    static let leaseSeconds: TimeInterval = 120
    static let pageSize = 500

    struct Outcome: Content {
        var peer: String
        var entries: Int
        var pages: Int
        var cursor: String?
    }

    /// Claims the lease on `peer` (nil when another instance holds it).
    static func lease(_ id: UUID, now: Date, on db: any Database) async throws -> String? {
        let token = UUID().uuidString
        let claimed = try await db.sql.raw(
            """
            UPDATE federation_nodes SET pull_lease_until = \(bind: now.addingTimeInterval(leaseSeconds)), pull_lease_token = \(bind: token)
            WHERE id = \(bind: id) AND (pull_lease_until IS NULL OR pull_lease_until < \(bind: now)) RETURNING id
            """
        ).first()
        return claimed == nil ? nil : token
    }

    /// Pulls every page the child has after the kept cursor. The lease must be held (``lease(_:now:on:)``).
    static func run(_ peer: FederationNodeRow, token: String, app: Application) async throws -> Outcome {
        var cursor = peer.catalogCursor
        var entries = 0
        var pages = 0
        var failure: (any Error)?
        do {
            // Inside: a node not named yet is this pull's recorded error, and the lease is released.
            let client = try await NodeClient.make(app: app, on: app.db)
            let me = client.signer.node
            while true {
                var target = "/api/v1/federation/catalog?limit=\(pageSize)"
                if let cursor { target += "&after=" + (cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor) }
                let answer = try await client.send(.GET, target, to: peer, operation: "federation.catalog.pull")
                guard answer.status == 200 else {
                    throw AppError(.badGateway, "peer_refused", "\(peer.code) answered \(NodeClient.describe(answer))")
                }
                let page = try JSONDecoder().decode(CatalogFeedPage.self, from: Data(answer.body.readableBytesView))
                guard page.node == peer.code else {
                    throw AppError(.badGateway, "peer_mismatch", "\(peer.code)'s address answered as node \(page.node)")
                }
                let now = app.settings.now()
                try await app.db.transaction { tx in
                    try await apply(page.entries, via: peer.code, me: me, now: now, on: tx)
                    let kept = try await tx.sql.raw(
                        """
                        UPDATE federation_nodes SET catalog_cursor = \(bind: page.cursor), pull_lease_until = \(bind: now.addingTimeInterval(leaseSeconds))
                        WHERE id = \(bind: peer.requireID()) AND pull_lease_token = \(bind: token) RETURNING id
                        """
                    ).first()
                    // Another instance took the lease over (this one stalled past it): its pull writes instead.
                    guard kept != nil else { throw AppError(.conflict, "lease_lost", "The pull's lease on \(peer.code) was taken over") }
                }
                cursor = page.cursor
                entries += page.entries.count
                pages += 1
                if !page.more { break }
            }
        } catch {
            failure = error
        }
        let now = app.settings.now()
        let message = failure.map { ($0 as? AppError)?.message ?? String(describing: $0) }
        try await app.db.sql.raw(
            """
            UPDATE federation_nodes SET pull_lease_until = NULL, pull_lease_token = NULL, last_pull_at = \(bind: now),
              last_pull_error = \(bind: message), next_pull_at = \(bind: now.addingTimeInterval(app.settings.federationPullSeconds))
            WHERE id = \(bind: peer.requireID()) AND pull_lease_token = \(bind: token)
            """
        ).run()
        if let failure { throw failure }
        return Outcome(peer: peer.code, entries: entries, pages: pages, cursor: cursor)
    }

    /// Writes a page's entries: new and changed ones upserted (each numbered on this node's catalog
    /// clock, so they flow further up), their search terms rebuilt. An entry about this node itself
    /// (a loop in a misconfigured tree) is ignored.
    static func apply(_ entries: [CatalogFeedEntry], via: String, me: String, now: Date, on db: any Database) async throws {
        let sql = db.sql
        for e in entries where e.origin != me {
            guard let snapshot = JSONText.decode(ResourceSnapshot.self, e.snapshot) else { continue }
            let seq = try await sql.raw("UPDATE federation_clock SET seq = seq + 1 WHERE id = 1 RETURNING seq").first()!.decode(column: "seq", as: Int64.self)
            let existing = try await sql.raw(
                "SELECT id FROM federated_resources WHERE origin_node = \(bind: e.origin) AND code = \(bind: e.code)"
            ).first()?.decode(column: "id", as: UUID.self)
            let id = existing ?? UUID()
            let values: [(String, any Encodable & Sendable)] = [
                ("origin_name", e.originName), ("origin_name_en", e.originNameEn), ("origin_region", e.originRegion), ("via_node", via),
                ("name", snapshot.name),
                ("department_code", snapshot.departmentCode), ("department_name", e.departmentName),
                ("sharing_type", snapshot.sharing.type.rawValue), ("open_type", snapshot.open.type.rawValue),
                ("item_count", snapshot.items.count), ("status", e.status == "retired" ? "retired" : "published"),
                ("snapshot", e.snapshot), ("federation_seq", seq), ("received_at", now)
            ]
            if existing != nil {
                var update = sql.update("federated_resources").where("id", .equal, id)
                for (column, value) in values { update = update.set(column, to: value) }
                try await update.run()
                try await sql.delete(from: "federated_terms").where("entry_id", .equal, id).run()
            } else {
                try await sql.insert(into: "federated_resources").columns(["id", "origin_node", "code"] + values.map(\.0))
                    .values([id, e.origin, e.code] + values.map(\.1)).run()
            }
            let text = CatalogIndex.searchText(snapshot, departmentName: e.departmentName, standardNames: [:]) + " " + e.originName
            let terms = SearchTerms.documentTerms(in: text).filter { $0.utf8.count <= 64 }.map { [$0, id] as [any Encodable & Sendable] }
            try await CatalogIndex.insert(into: "federated_terms", ["term", "entry_id"], terms, on: sql)
        }
    }
}
