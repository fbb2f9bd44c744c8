import Fluent
import Foundation
import SQLKit
import DataBankCore

/// Keeps the flattened tables (items, themes, tags, search terms) in step with a resource's
/// catalog-visible snapshot. Writes in batches: one statement per table per call.
enum CatalogIndex {
    /// The text a resource is found by: names, abstract, items and their standards, tags, themes.
    static func searchText(_ s: ResourceSnapshot, departmentName: String?, standardNames: [String: String]) -> String {
        var parts = [s.code, s.name, s.nameEn ?? "", s.abstract, departmentName ?? "", s.office ?? ""]
        for item in s.items { parts.append(item.name); parts.append(item.column); parts.append(standardNames[item.standardCode] ?? "") }
        parts += s.tags
        for t in s.themes { parts.append(t.zh); parts.append(t.en) }
        return parts.filter { !$0.isEmpty }.joined(separator: " ").lowercased()
    }

    /// Replaces the index rows of the given resources (already saved) in a few statements.
    /// `fresh`: the resources are new, so there is nothing to delete first. `withTags`: false only
    /// for migrations that run before `resource_tags` exists (022 back-fills it).
    static func reindex(
        _ entries: [(id: UUID, snapshot: ResourceSnapshot, text: String)], on db: any Database, fresh: Bool = false, withTags: Bool = true
    ) async throws {
        let sql = db.sql
        guard !entries.isEmpty else { return }
        let ids = fresh ? [] : entries.map(\.id)
        let tables = ["resource_items", "resource_themes", "search_terms"] + (withTags ? ["resource_tags"] : [])
        for chunk in ids.chunked(500) {
            for table in tables {
                try await sql.delete(from: table).where("resource_id", .in, Array(chunk)).run()
            }
        }
        var items: [[any Encodable & Sendable]] = []
        var themes: [[any Encodable & Sendable]] = []
        var terms: [[any Encodable & Sendable]] = []
        var tags: [[any Encodable & Sendable]] = []
        for e in entries {
            for (i, item) in e.snapshot.items.enumerated() {
                items.append([e.id, i, item.name, item.column, item.standardCode])
            }
            for t in Set(e.snapshot.themes) { themes.append([e.id, t.rawValue]) }
            for t in Set(e.snapshot.tags) { tags.append([e.id, t]) }
            for term in SearchTerms.documentTerms(in: e.text) where term.utf8.count <= 64 { terms.append([e.id, term]) }
        }
        try await insert(into: "resource_items", ["resource_id", "position", "name", "column_name", "standard_code"], items, on: sql)
        try await insert(into: "resource_themes", ["resource_id", "theme"], themes, on: sql)
        try await insert(into: "search_terms", ["resource_id", "term"], terms, on: sql)
        if withTags { try await insert(into: "resource_tags", ["resource_id", "tag"], tags, on: sql) }
    }

    /// Multi-row INSERTs, sized to stay under SQLite's bind-parameter limit.
    static func insert(into table: String, _ columns: [String], _ rows: [[any Encodable & Sendable]], on sql: any SQLDatabase) async throws {
        let perStatement = max(1, 30_000 / columns.count)
        for chunk in rows.chunked(perStatement) {
            var q = sql.insert(into: table).columns(columns)
            for row in chunk { q = q.values(row) }
            try await q.run()
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
