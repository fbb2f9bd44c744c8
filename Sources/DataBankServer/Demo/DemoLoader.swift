import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Writes a generated ``DemoCity`` into an empty database: departments, standards, users,
/// resources with their revisions, review history and index, and a first edition.
///
/// Resources go in batches (multi-row INSERTs) inside one transaction, so a seed-scale city
/// loads in seconds and a failed load leaves nothing behind.
public enum DemoLoader {
    public struct Summary: Sendable {
        public var departments: Int, standards: Int, resources: Int, items: Int, users: [DemoUser]
    }

    /// `withStores`: give published resources their (empty) record stores, as publishing does.
    public static func load(_ city: DemoCity, on db: any Database, withEdition: Bool = true, withStores: Bool = true) async throws -> Summary {
        let summary = try await insert(city, on: db, withEdition: withEdition, withStores: withStores)
        try await Statistics.refresh(on: db)
        return summary
    }

    static func insert(_ city: DemoCity, on db: any Database, withEdition: Bool, withStores: Bool) async throws -> Summary {
        try await db.transaction { tx in
            let sql = tx.sql
            try await CatalogIndex.insert(
                into: "departments", ["id", "code", "name", "name_en", "level", "parent_code", "contact"],
                city.departments.map { [UUID(), $0.code, $0.name, $0.nameEn, $0.level.rawValue, $0.parentCode, $0.contact] }, on: sql)
            try await CatalogIndex.insert(
                into: "standards",
                [
                    "id", "code", "name", "name_en", "definition", "data_type", "length", "precision", "pattern", "code_list", "semantic_kind", "sensitivity",
                    "version",
                    "not_future"
                ],
                city.standards.map {
                    [
                        UUID(), $0.code, $0.name, $0.nameEn, $0.definition, $0.dataType.rawValue, $0.length, $0.precision, $0.pattern,
                        JSONText.encode($0.codeList), $0.semanticKind.rawValue, $0.sensitivity.rawValue, $0.version, $0.notFuture
                    ]
                }, on: sql)
            var admin: User?
            var hashes: [String: String] = [:]  // bcrypt is slow by design: hash each demo password once
            for u in city.users {
                let hash = try hashes[u.password] ?? Accounts.hashPassword(u.password)
                hashes[u.password] = hash
                let user = User(
                    username: u.username, displayName: u.displayName, passwordHash: hash,
                    role: Role(rawValue: u.role) ?? .viewer, departmentCode: u.departmentCode)
                try await user.create(on: tx)
                if user.role == .platformAdmin { admin = user }
            }
            let author =
                admin ?? User(username: "system", displayName: "system", passwordHash: "", role: .platformAdmin, departmentCode: city.departments[0].code)
            if author.id == nil { author.id = UUID() }
            try await insertResources(city, author: author, sql: sql, on: tx)
            let precision = Dictionary(city.standards.compactMap { s in s.precision.map { (s.code, $0) } }, uniquingKeysWith: { a, _ in a })
            for r in city.resources where withStores && r.state == .published {
                try await RecordStores.create(
                    code: r.snapshot.code, department: r.snapshot.departmentCode, revision: 1,
                    layout: RecordLayout(r.snapshot, precision: precision), on: tx)
            }
            if withEdition, city.resources.contains(where: { $0.state == .published }) {
                _ = try await Editions.create(year: 2016, phase: 2, title: "2016年版第二期政务信息资源目录", by: author, on: tx)
            }
            return Summary(
                departments: city.departments.count, standards: city.standards.count, resources: city.resources.count,
                items: city.resources.reduce(0) { $0 + $1.snapshot.items.count }, users: city.users)
        }
    }

    static func insertResources(_ city: DemoCity, author: User, sql: any SQLDatabase, on db: any Database) async throws {
        let deptNames = Dictionary(uniqueKeysWithValues: city.departments.map { ($0.code, "\($0.name) \($0.nameEn)") })
        let stdNames = Dictionary(uniqueKeysWithValues: city.standards.map { ($0.code, $0.name) })
        let now = Date()
        for batch in city.resources.chunked(1000) {
            var resources: [[any Encodable & Sendable]] = [], revisions: [[any Encodable & Sendable]] = []
            var transitions: [[any Encodable & Sendable]] = [], index: [(id: UUID, snapshot: ResourceSnapshot, text: String)] = []
            for r in batch {
                let id = UUID()
                var s = r.snapshot
                let published = r.state == .published
                if published && s.publishDate == nil { s.publishDate = "2016-06-30" }
                let text = CatalogIndex.searchText(s, departmentName: deptNames[s.departmentCode], standardNames: stdNames)
                resources.append([
                    id, s.code, s.name, s.nameEn, s.departmentCode, s.classification, s.catalogKind.rawValue, s.format.rawValue,
                    s.sharing.type.rawValue, s.open.type.rawValue, s.updateCycle.rawValue, s.classified, s.items.count,
                    FacetKey(s).packed, FacetKey.themeMask(s.themes), text,
                    JSONText.encode(s), r.state.rawValue, published ? Optional(1) : nil, 1, 1,
                    r.state == .notice ? Optional(now.addingTimeInterval(7 * 86_400)) : nil, now, now
                ])
                revisions.append([UUID(), id, 1, JSONText.encode(s), author.id!, author.displayName, published ? Optional(now) : nil, now, now])
                for (action, from, to) in history(for: r.state) {
                    transitions.append([UUID(), id, 1, action, from, to, author.id!, author.displayName, String?.none, now])
                }
                index.append((id, s, text))
            }
            try await CatalogIndex.insert(
                into: "resources",
                [
                    "id", "code", "name", "name_en", "department_code", "classification", "catalog_kind",
                    "format", "sharing_type", "open_type", "update_cycle", "classified", "item_count", "facet_key", "theme_mask", "search_text", "snapshot",
                    "status",
                    "published_revision", "working_revision", "version", "notice_ends_at", "created_at", "updated_at"
                ], resources, on: sql)
            try await CatalogIndex.insert(
                into: "resource_revisions",
                [
                    "id", "resource_id", "number", "snapshot", "author_id", "author_name",
                    "published_at", "created_at", "updated_at"
                ], revisions, on: sql)
            try await CatalogIndex.insert(
                into: "resource_transitions",
                [
                    "id", "resource_id", "revision", "action", "from_state", "to_state",
                    "actor_id", "actor_name", "reason", "at"
                ], transitions, on: sql)
            try await CatalogIndex.reindex(index, on: db, fresh: true)
        }
    }

    /// The recorded steps that bring a new resource to `state`.
    static func history(for state: DemoResourceState) -> [(String, String, String)] {
        let steps = [("submit", "draft", "submitted"), ("approve", "submitted", "notice"), ("publish", "notice", "published")]
        switch state {
        case .draft: return []
        case .submitted: return Array(steps.prefix(1))
        case .notice: return Array(steps.prefix(2))
        case .published: return steps
        }
    }
}
