import Fluent
import SQLKit
import Vapor
import DataBankCore

/// One catalog entry as a child sends it up: a published resource (metadata and items, never records)
/// of the child itself or of a node below it, tagged with the node it comes from.
struct CatalogFeedEntry: Content, Equatable {
    var origin: String
    var originName: String
    /// The node's English name, when it has one (absent from nodes before it was kept).
    var originNameEn: String? = nil
    var originRegion: String
    var code: String
    /// published | retired (retired, classified after publication, or withdrawn below)
    var status: String
    var departmentName: String
    /// The resource's published snapshot (``ResourceSnapshot`` as JSON).
    var snapshot: String
    var seq: Int64
}

struct CatalogFeedPage: Content {
    var node: String
    var entries: [CatalogFeedEntry]
    /// Where the next page starts: send it back as `after`.
    var cursor: String
    var more: Bool
}

/// `GET /api/v1/federation/catalog?after=CURSOR&limit=N` at a child, signed by its parent: the child's
/// published catalog and, transitively, what its own children sent it, in the order of the catalog
/// clock (``CreateFederation``): every change of a resource takes the next number, so "after a cursor"
/// is every change since. A cursor is `node:seq:code`; one naming another node, or a number this node's
/// clock has not reached, is refused (409 `cursor_other_node`, `cursor_from_future`).
enum CatalogFeed {
    static let defaultLimit = 200
    static let maxLimit = 1000

    struct Cursor: Equatable {
        var seq: Int64
        var code: String

        static let start = Cursor(seq: 0, code: "")

        func text(node: String) -> String { "\(node):\(seq):\(code)" }

        /// nil for a malformed cursor; throws when it names another node.
        static func parse(_ text: String, node: String) throws -> Cursor? {
            let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let seq = Int64(parts[1]), seq >= 0 else { return nil }
            guard parts[0] == node else {
                throw AppError.field(
                    .conflict, "cursor_other_node", "after", zh: "游标属于节点 \(parts[0])，不是本节点 \(node)",
                    en: "The cursor belongs to node \(parts[0]), not to this node (\(node))")
            }
            return Cursor(seq: seq, code: parts[2])
        }
    }

    static func serve(req: Request) async throws -> CatalogFeedPage {
        let verified = try await NodeRequestVerifier.verify(req)
        guard verified.relation == NodeRelation.parent.rawValue else {
            throw AppError(.forbidden, "not_parent", "Only this node's parent reads its catalog feed")
        }
        guard let me = try await FederationNodes.current(on: req.db) else {
            throw AppError(.conflict, "node_not_configured", "This node has no code yet")
        }
        var cursor = Cursor.start
        if let after = req.queryValue("after"), !after.isEmpty {
            guard let parsed = try Cursor.parse(after, node: me.code) else {
                throw AppError.field(.badRequest, "invalid_cursor", "after", zh: "游标格式无效", en: "The cursor is malformed")
            }
            cursor = parsed
        }
        let clock = try await currentSeq(on: req.db)
        guard cursor.seq <= clock else {
            throw AppError.field(
                .conflict, "cursor_from_future", "after", zh: "游标 \(cursor.seq) 超出本节点目录时钟（\(clock)）：可能来自另一数据库或已恢复的备份",
                en: "The cursor (\(cursor.seq)) is past this node's catalog clock (\(clock)): it comes from another database or a restored backup")
        }
        let limit = min(max(Int(req.queryValue("limit") ?? "") ?? defaultLimit, 1), maxLimit)
        let page = try await read(after: cursor, limit: limit, me: me, on: req.db)
        try await NodeRequestVerifier.audit(req, verified, operation: "federation.catalog", count: page.entries.count)
        return page
    }

    static func currentSeq(on db: any Database) async throws -> Int64 {
        try await db.sql.raw("SELECT seq FROM federation_clock WHERE id = 1").first()?.decode(column: "seq", as: Int64.self) ?? 0
    }

    /// The entries after `cursor`: this node's own published resources and the entries held from below, merged by number.
    static func read(after cursor: Cursor, limit: Int, me: FederationNodeRow, on db: any Database) async throws -> CatalogFeedPage {
        let own = try await db.sql.raw(
            """
            SELECT r.code, r.status, r.classified, r.snapshot, r.federation_seq, d.name AS department_name
            FROM resources r LEFT JOIN departments d ON d.code = r.department_code
            WHERE r.published_revision IS NOT NULL
              AND (r.federation_seq > \(bind: cursor.seq) OR (r.federation_seq = \(bind: cursor.seq) AND r.code > \(bind: cursor.code)))
            ORDER BY r.federation_seq, r.code LIMIT \(literal: limit + 1)
            """
        ).all().map { row in
            let retired =
                try row.decode(column: "status", as: String.self) == LifecycleState.retired.rawValue
                || row.decode(column: "classified", as: Bool.self)
            return CatalogFeedEntry(
                origin: me.code, originName: me.name, originNameEn: me.nameEn, originRegion: me.regionCode,
                code: try row.decode(column: "code", as: String.self),
                status: retired ? "retired" : "published", departmentName: try row.decode(column: "department_name", as: String?.self) ?? "",
                snapshot: try row.decode(column: "snapshot", as: String.self), seq: try row.decode(column: "federation_seq", as: Int64.self))
        }
        // Entries from below have numbers of their own (one each, from the same clock): never equal to a resource's.
        let below = try await db.sql.raw(
            """
            SELECT origin_node, origin_name, origin_name_en, origin_region, code, status, department_name, snapshot, federation_seq
            FROM federated_resources WHERE federation_seq > \(bind: cursor.seq) ORDER BY federation_seq LIMIT \(literal: limit + 1)
            """
        ).all().map { row in
            CatalogFeedEntry(
                origin: try row.decode(column: "origin_node", as: String.self), originName: try row.decode(column: "origin_name", as: String.self),
                originNameEn: try row.decode(column: "origin_name_en", as: String?.self),
                originRegion: try row.decode(column: "origin_region", as: String.self), code: try row.decode(column: "code", as: String.self),
                status: try row.decode(column: "status", as: String.self), departmentName: try row.decode(column: "department_name", as: String.self),
                snapshot: try row.decode(column: "snapshot", as: String.self), seq: try row.decode(column: "federation_seq", as: Int64.self))
        }
        // By number; resources sharing one (numbered before federation existed) keep the database's code order.
        let ordered = own.enumerated().map { ($0.element, 0, $0.offset) } + below.enumerated().map { ($0.element, 1, $0.offset) }
        var merged = ordered.sorted { ($0.0.seq, $0.1, $0.2) < ($1.0.seq, $1.1, $1.2) }.map(\.0)
        let more = merged.count > limit
        merged = Array(merged.prefix(limit))
        let last = merged.last.map { Cursor(seq: $0.seq, code: $0.origin == me.code ? $0.code : "") } ?? cursor
        return CatalogFeedPage(node: me.code, entries: merged, cursor: last.text(node: me.code), more: more)
    }
}
