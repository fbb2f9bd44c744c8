import Fluent
import SQLKit
import Vapor
import DataBankCore

/// A catalog entry held from a node below, as staff find it: read-only, with the node it comes from.
struct FederatedEntry: Content, Equatable {
    var origin: String
    var originName: String
    var originNameEn: String? = nil
    var originRegion: String
    var via: String
    var code: String
    var name: String
    var departmentCode: String
    var departmentName: String
    var sharingType: String
    var openType: String
    var itemCount: Int
    var status: String

    /// The node's name people read in `language`.
    func originName(_ language: String) -> String { language == "en" ? (originNameEn ?? originName) : originName }
}

/// The entries children sent up, searched as the catalog is searched (`SearchTerms`: Han bigrams and
/// characters, Latin words; an entry matches when it holds every term of the query).
enum FederatedCatalog {
    static let maxResults = 200

    /// Entries matching `query` (all when empty); retired ones only when `includeRetired`.
    static func search(_ query: String, includeRetired: Bool = false, limit: Int = 50, on db: any Database) async throws -> [FederatedEntry] {
        let terms = SearchTerms.queryTerms(in: query)
        let status: SQLQueryString = includeRetired ? "" : "WHERE f.status = 'published'"
        let limit = min(max(limit, 1), maxResults)
        let rows: [any SQLRow]
        if terms.isEmpty {
            rows = try await db.sql.raw("SELECT f.* FROM federated_resources f \(status) ORDER BY f.origin_node, f.code LIMIT \(literal: limit)").all()
        } else {
            rows = try await db.sql.raw(
                """
                SELECT f.* FROM federated_resources f
                JOIN (SELECT entry_id FROM federated_terms WHERE term IN (\(binds: terms)) GROUP BY entry_id HAVING COUNT(*) = \(literal: terms.count)) h
                  ON h.entry_id = f.id
                \(status) ORDER BY f.origin_node, f.code LIMIT \(literal: limit)
                """
            ).all()
        }
        return try rows.map(entry)
    }

    static func entry(_ row: any SQLRow) throws -> FederatedEntry {
        FederatedEntry(
            origin: try row.decode(column: "origin_node", as: String.self), originName: try row.decode(column: "origin_name", as: String.self),
            originNameEn: try row.decode(column: "origin_name_en", as: String?.self),
            originRegion: try row.decode(column: "origin_region", as: String.self), via: try row.decode(column: "via_node", as: String.self),
            code: try row.decode(column: "code", as: String.self), name: try row.decode(column: "name", as: String.self),
            departmentCode: try row.decode(column: "department_code", as: String.self),
            departmentName: try row.decode(column: "department_name", as: String.self),
            sharingType: try row.decode(column: "sharing_type", as: String.self), openType: try row.decode(column: "open_type", as: String.self),
            itemCount: try row.decode(column: "item_count", as: Int.self), status: try row.decode(column: "status", as: String.self))
    }

    /// One entry with its whole snapshot (items and all), or nil.
    static func find(origin: String, code: String, on db: any Database) async throws -> (FederatedEntry, String)? {
        guard
            let row = try await db.sql.raw(
                "SELECT * FROM federated_resources WHERE origin_node = \(bind: origin) AND code = \(bind: code)"
            ).first()
        else { return nil }
        return (try entry(row), try row.decode(column: "snapshot", as: String.self))
    }
}
