import SQLKit
import Vapor

/// The catalog search's answers (``CatalogSearch/Matches``: page ids, facet groups, tag counts) kept
/// for one access epoch (``AccessEpoch``), the version every catalog write moves: triggers on
/// `resources` and `record_stores` bump it (migration `AddAccessEpoch`), and `search_terms` and
/// `resource_tags` are written in the same transaction as their resource row (``CatalogIndex``). So an
/// answer is reused only by requests that saw the same catalog, on this instance or any other; the
/// first search after a write runs its statement again.
struct MatchesCache: Sendable {
    let entries: EpochCache<CatalogSearch.Matches>
    let epoch: Int64

    /// The cache for this request's epoch; nil when the database keeps none (nothing is cached).
    static func forRequest(_ req: Request) async throws -> MatchesCache? {
        guard let epoch = try await AccessEpoch.current(req) else { return nil }
        return MatchesCache(entries: req.application.readCaches.catalogMatches, epoch: epoch)
    }

    /// The statement's SQL and binds: the same words, scope, filters, sort and page give the same key.
    func key(_ statement: SQLQueryString, on sql: any SQLDatabase) -> String {
        let (text, binds) = sql.serialize(statement)
        return ([text] + binds.map { String(reflecting: $0) }).joined(separator: "\u{1F}")
    }

    func value(_ key: String) -> CatalogSearch.Matches? { entries.value(key, epoch: epoch) }

    func store(_ matches: CatalogSearch.Matches, _ key: String) { entries.store(matches, key, epoch: epoch) }
}
