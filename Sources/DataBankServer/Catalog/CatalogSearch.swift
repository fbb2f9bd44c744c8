import Fluent
import SQLKit
import Vapor
import DataBankCore

/// A catalog search: free text plus facet filters, paging and sort.
struct ResourceQuery: Content, Sendable {
    var q: String?
    var department: String?
    /// Classification prefix: "1" (基础), "101" (项), "101001" (目) …
    var classification: String?
    var theme: String?
    var sharing: String?
    var open: String?
    var cycle: String?
    var format: String?
    var kind: String?
    var status: String?
    var limit: Int?
    var offset: Int?
    /// `relevance` (default with q), `code` (default without), `name`, `-updated`, `updated`.
    var sort: String?

    static let maxLimit = 200
}

/// One line of a result list.
struct ResourceSummary: Content, Sendable {
    var code: String
    var name: String
    var nameEn: String?
    var departmentCode: String
    var departmentName: String?
    var classification: String
    var catalogKind: String
    var format: String
    var sharingType: String
    var openType: String
    var updateCycle: String
    var classified: Bool
    var itemCount: Int
    var status: String
    var publishedRevision: Int?
    var version: Int
}

struct FacetCount: Content, Sendable {
    var value: String
    var label: String
    var count: Int
}

struct SearchPage: Content, Sendable {
    var items: [ResourceSummary]
    var total: Int
    var facets: [String: [FacetCount]]
}

/// Catalog search over SQLite and PostgreSQL alike, with the same SQL.
///
/// Text matches come from the `search_terms` index (Han bigrams and words, see
/// ``SearchTerms``): a resource matches when it holds every term of the query. Queries the
/// index cannot answer (a single Han character) fall back to a substring scan.
/// Visibility follows the authorization table, expressed as a SQL predicate.
struct CatalogSearch {
    let sql: any SQLDatabase
    let actor: Actor?

    static let facetColumns: [(name: String, column: String)] = [
        ("department", "department_code"), ("classification", "catalog_kind"), ("sharing", "sharing_type"),
        ("open", "open_type"), ("cycle", "update_cycle"), ("format", "format"),
    ]

    func run(_ query: ResourceQuery, departmentNames: [String: String], language: String) async throws -> SearchPage {
        let filter = try whereClause(query)
        let limit = min(max(query.limit ?? 20, 0), ResourceQuery.maxLimit)
        let offset = max(query.offset ?? 0, 0)
        let order = try orderBy(query)

        let rows = try await sql.raw("""
            SELECT code, name, name_en, department_code, classification, catalog_kind, format, sharing_type,
                   open_type, update_cycle, classified, item_count, status, published_revision, version
            FROM resources WHERE \(filter) ORDER BY \(order) LIMIT \(literal: limit) OFFSET \(literal: offset)
            """).all()
        let items = try rows.map { r in
            ResourceSummary(
                code: try r.decode(column: "code", as: String.self), name: try r.decode(column: "name", as: String.self),
                nameEn: try r.decode(column: "name_en", as: String?.self),
                departmentCode: try r.decode(column: "department_code", as: String.self),
                departmentName: nil,
                classification: try r.decode(column: "classification", as: String.self),
                catalogKind: try r.decode(column: "catalog_kind", as: String.self),
                format: try r.decode(column: "format", as: String.self),
                sharingType: try r.decode(column: "sharing_type", as: String.self),
                openType: try r.decode(column: "open_type", as: String.self),
                updateCycle: try r.decode(column: "update_cycle", as: String.self),
                classified: try r.decode(column: "classified", as: Bool.self),
                itemCount: try r.decode(column: "item_count", as: Int.self),
                status: try r.decode(column: "status", as: String.self),
                publishedRevision: try r.decode(column: "published_revision", as: Int?.self),
                version: try r.decode(column: "version", as: Int.self))
        }.map { s in var s = s; s.departmentName = departmentNames[s.departmentCode]; return s }

        let total = try await sql.raw("SELECT COUNT(*) AS n FROM resources WHERE \(filter)").first()?.decode(column: "n", as: Int.self) ?? 0
        var facets: [String: [FacetCount]] = [:]
        for (name, column) in Self.facetColumns {
            let counts = try await sql.raw("""
                SELECT \(ident: column) AS v, COUNT(*) AS n FROM resources WHERE \(filter) GROUP BY \(ident: column)
                """).all()
            facets[name] = try counts.map { try ($0.decode(column: "v", as: String.self), $0.decode(column: "n", as: Int.self)) }
                .map { FacetCount(value: $0.0, label: Self.label(facet: name, value: $0.0, departmentNames: departmentNames, language: language), count: $0.1) }
                .sorted { ($0.count, $1.value) > ($1.count, $0.value) }
        }
        let themeCounts = try await sql.raw("""
            SELECT resource_themes.theme AS v, COUNT(*) AS n FROM resource_themes
            JOIN resources ON resources.id = resource_themes.resource_id WHERE \(filter) GROUP BY resource_themes.theme
            """).all()
        facets["theme"] = try themeCounts.map { try ($0.decode(column: "v", as: String.self), $0.decode(column: "n", as: Int.self)) }
            .map { FacetCount(value: $0.0, label: Theme(rawValue: $0.0)?.label(language) ?? $0.0, count: $0.1) }
            .sorted { ($0.count, $1.value) > ($1.count, $0.value) }
        return SearchPage(items: items, total: total, facets: facets)
    }

    static func label(facet: String, value: String, departmentNames: [String: String], language: String) -> String {
        switch facet {
        case "department": return departmentNames[value] ?? value
        case "classification": return CatalogKind(rawValue: value)?.label(language) ?? value
        case "sharing": return SharingType(rawValue: value)?.label(language) ?? value
        case "open": return OpenType(rawValue: value)?.label(language) ?? value
        case "cycle": return UpdateCycle(rawValue: value)?.label(language) ?? value
        case "format": return ResourceFormat(rawValue: value)?.label(language) ?? value
        default: return value
        }
    }

    // MARK: SQL pieces (every user value is a bind)

    func whereClause(_ q: ResourceQuery) throws -> SQLQueryString {
        var parts: [SQLQueryString] = [visibility()]
        if let text = q.q?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
            guard text.count <= 200 else {
                throw AppError.field(.badRequest, "query_too_long", "q", zh: "查询词不超过 200 字", en: "A query is at most 200 characters")
            }
            parts.append(textMatch(text))
        }
        func enumFilter<T: CatalogTerm>(_ value: String?, _ type: T.Type, _ column: String, _ param: String) throws {
            guard let value, !value.isEmpty else { return }
            guard T(rawValue: value) != nil else {
                throw AppError.field(.badRequest, "invalid_filter", param, zh: "未知的筛选值：\(value)",
                                     en: "Unknown \(param) \(value); one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            parts.append("resources.\(ident: column) = \(bind: value)")
        }
        try enumFilter(q.sharing, SharingType.self, "sharing_type", "sharing")
        try enumFilter(q.open, OpenType.self, "open_type", "open")
        try enumFilter(q.cycle, UpdateCycle.self, "update_cycle", "cycle")
        try enumFilter(q.format, ResourceFormat.self, "format", "format")
        try enumFilter(q.kind, CatalogKind.self, "catalog_kind", "kind")
        try enumFilter(q.status, LifecycleState.self, "status", "status")
        if let d = q.department, !d.isEmpty { parts.append("resources.department_code = \(bind: d)") }
        if let c = q.classification, !c.isEmpty {
            guard c.allSatisfy(\.isNumber), c.count <= 12 else {
                throw AppError.field(.badRequest, "invalid_filter", "classification", zh: "分类代码须为数字", en: "classification is a digit prefix such as 101")
            }
            parts.append("resources.classification LIKE \(bind: c + "%")")
        }
        if let t = q.theme, !t.isEmpty {
            guard Theme(rawValue: t) != nil else {
                throw AppError.field(.badRequest, "invalid_filter", "theme", zh: "未知主题：\(t)", en: "Unknown theme \(t)")
            }
            parts.append("resources.id IN (SELECT resource_id FROM resource_themes WHERE theme = \(bind: t))")
        }
        return parts.joined(separator: " AND ")
    }

    func textMatch(_ text: String) -> SQLQueryString {
        let terms = SearchTerms.terms(in: text)
        if SearchTerms.isIndexable(text), !terms.isEmpty {
            return """
                resources.id IN (SELECT resource_id FROM search_terms WHERE term IN (\(binds: terms))
                GROUP BY resource_id HAVING COUNT(*) = \(literal: terms.count))
                """
        }
        let escaped = text.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        return "resources.search_text LIKE \(bind: "%" + escaped + "%") ESCAPE '\\'"
    }

    /// What the actor may list: the published catalog, plus unpublished and classified
    /// resources as far as the authorization table reaches.
    func visibility() -> SQLQueryString {
        let inCatalog: SQLQueryString = "(resources.published_revision IS NOT NULL AND resources.status <> 'retired')"
        func reachSQL(_ reach: Authorization.Reach) -> SQLQueryString {
            switch reach {
            case .none: return "1 = 0"
            case .all: return "1 = 1"
            case .own(let dept): return "resources.department_code = \(bind: dept)"
            }
        }
        let unpublished = reachSQL(Authorization.reach(actor, .readUnpublished))
        let classified = reachSQL(Authorization.reach(actor, .readClassified))
        return "((\(inCatalog) OR (\(unpublished))) AND (resources.classified = \(bind: false) OR (\(classified))))"
    }

    func orderBy(_ q: ResourceQuery) throws -> SQLQueryString {
        let hasText = !(q.q ?? "").trimmingCharacters(in: .whitespaces).isEmpty
        switch q.sort ?? (hasText ? "relevance" : "code") {
        case "relevance":
            guard hasText else { return "resources.code" }
            let needle = "%" + (q.q ?? "").trimmingCharacters(in: .whitespaces).lowercased()
                .replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
            return "CASE WHEN LOWER(resources.name) LIKE \(bind: needle) ESCAPE '\\' THEN 0 ELSE 1 END, resources.item_count DESC, resources.code"
        case "code": return "resources.code"
        case "-code": return "resources.code DESC"
        case "name": return "resources.name, resources.code"
        case "-name": return "resources.name DESC, resources.code"
        case "updated": return "resources.updated_at, resources.code"
        case "-updated": return "resources.updated_at DESC, resources.code"
        case let other:
            throw AppError.field(.badRequest, "invalid_sort", "sort", zh: "不支持的排序：\(other)",
                                 en: "Unknown sort \(other); one of relevance, code, -code, name, -name, updated, -updated")
        }
    }
}
