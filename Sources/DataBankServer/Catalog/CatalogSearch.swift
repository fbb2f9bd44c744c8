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
    /// `relevance` (default with q), `code` (default without), `name`, `-updated`, `updated`, `-heat` (hottest first, 30 days).
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
/// Text matches come from the `search_terms` index (Han bigrams, characters and words, see
/// ``SearchTerms``): a resource matches when it holds every term of the query. A query with
/// no terms at all (only punctuation) falls back to a substring scan.
/// Visibility follows the authorization table, expressed as a SQL predicate.
struct CatalogSearch {
    let sql: any SQLDatabase
    let actor: Actor?
    /// Conditions over `resources` added to the visibility and the query's filters (the CKAN
    /// compatibility layer's open-portal rule and its translated `fq`).
    var extraConditions: [SQLQueryString] = []
    /// The largest page a caller may ask for (the CKAN layer allows CKAN's 1,000).
    var maxLimit = ResourceQuery.maxLimit
    /// The open portal's scope (``OpenCatalog/onPortal``) instead of the actor's catalog reach.
    var portal = false

    static let facetNames = ["department", "classification", "theme", "sharing", "open", "cycle", "format"]

    /// Where ``matches(_:tags:)`` keeps its answers, and the access epoch this request saw (nil:
    /// every call runs its statement). See ``MatchesCache``.
    var cache: MatchesCache?

    /// One group of matches: a department, a packed ``FacetKey`` and a theme mask, and how many.
    struct FacetGroup: Sendable, Equatable {
        var department: String
        var key: Int
        var themes: Int
        var count: Int
    }

    /// What one search statement finds: the page's ids in order, the facet groups (by department,
    /// packed ``FacetKey`` and theme mask) and, when asked, the matches' tags with their counts.
    struct Matches: Sendable {
        var pageIDs: [UUID] = []
        var groups: [FacetGroup] = []
        var tags: [(tag: String, count: Int)] = []
    }

    func run(_ query: ResourceQuery, departmentNames: [String: String], language: String) async throws -> SearchPage {
        let found = try await matches(query)
        let pageIDs = found.pageIDs
        let order = try orderBy(query)
        let rows =
            pageIDs.isEmpty
            ? []
            : try await sql.raw(
                """
                SELECT resources.code, resources.name, resources.name_en, resources.department_code, resources.classification,
                       resources.catalog_kind, resources.format, resources.sharing_type, resources.open_type, resources.update_cycle,
                       resources.classified, resources.item_count, resources.status, resources.published_revision, resources.version
                FROM resources WHERE resources.id IN (\(binds: pageIDs)) ORDER BY \(order)
                """
            ).all()
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
        }.map { s in
            var s = s; s.departmentName = departmentNames[s.departmentCode]; return s
        }

        let (total, facets) = totalAndFacets(found.groups, departmentNames: departmentNames, language: language)
        return SearchPage(items: items, total: total, facets: facets)
    }

    /// The page's ids, the facet groups and (with `tags`) the tag counts of a query, in one statement.
    func matches(_ query: ResourceQuery, tags: Bool = false) async throws -> Matches {
        let statement = try matchesStatement(query, tags: tags)
        // `-downloads` orders by `open_counters`, which downloads move without moving the epoch.
        // `-heat` orders by `heat_scores`, which use moves without moving the epoch.
        guard let cache, query.sort != "-downloads", query.sort != "-heat" else { return try await Self.matches(from: sql.raw(statement).all()) }
        let key = cache.key(statement, on: sql)
        if let hit = cache.value(key) { return hit }
        let found = try Self.matches(from: await sql.raw(statement).all())
        cache.store(found, key)
        return found
    }

    static func matches(from answer: [any SQLRow]) throws -> Matches {
        var found = Matches()
        for row in answer {
            switch try row.decode(column: "part", as: String.self) {
            case "p": found.pageIDs.append(try row.decode(column: "id", as: UUID.self))
            case "g": found.tags.append((try row.decode(column: "d", as: String.self), try row.decode(column: "n", as: Int.self)))
            default:
                found.groups.append(
                    FacetGroup(
                        department: try row.decode(column: "d", as: String.self), key: try row.decode(column: "k", as: Int.self),
                        themes: try row.decode(column: "t", as: Int.self), count: try row.decode(column: "n", as: Int.self)))
            }
        }
        return found
    }

    /// The one statement of ``matches(_:tags:)``: rows of part 'p' (page ids), 'f' (facet groups), 'g' (tags).
    func matchesStatement(_ query: ResourceQuery, tags: Bool) throws -> SQLQueryString {
        let filter = try whereClause(query)
        let source = from(query)
        let limit = min(max(query.limit ?? 20, 0), maxLimit)
        let offset = max(query.offset ?? 0, 0)
        let order = try orderBy(query)

        // With a text query, one statement finds the matches once (from the term index and the
        // covering indexes) and answers both the facet groups and the page's ids. Without one,
        // nothing is worth materialising: the facets are grouped straight off
        // `idx_resources_facets` (in its order) and the page walks the sort's index.
        let sortColumns: SQLQueryString = ["-updated", "updated"].contains(query.sort ?? "") ? ", resources.updated_at" : ""
        // `tags`: the matches' tags grouped in the same statement (CKAN's `tags` facet), their
        // text in the `d` column of rows of part 'g'. After a text query, the matches lead and each
        // reads its own tags off the primary key (`CROSS JOIN` fixes that order in SQLite, whose
        // planner otherwise walked every tag of the catalog in `idx_resource_tags_tag` order to spare
        // the GROUP BY a sort, probing an index it built over the matches for each one).
        let tagJoin: SQLQueryString =
            Self.text(query) != nil
            ? "matched AS resources CROSS JOIN resource_tags WHERE resource_tags.resource_id = resources.id"
            : "resources JOIN resource_tags ON resource_tags.resource_id = resources.id WHERE \(filter)"
        let tagPart: SQLQueryString =
            tags
            ? """
             UNION ALL
            SELECT 'g', resource_tags.tag, NULL, NULL, COUNT(*), NULL FROM \(tagJoin) GROUP BY resource_tags.tag
            """
            : ""
        return
            Self.text(query) == nil
            ? """
            SELECT 'p' AS part, NULL AS d, NULL AS k, NULL AS t, NULL AS n, page.id AS id FROM (
                SELECT resources.id FROM resources WHERE \(filter) ORDER BY \(order) LIMIT \(literal: limit) OFFSET \(literal: offset)
            ) AS page
            UNION ALL
            SELECT 'f', resources.department_code, resources.facet_key, resources.theme_mask, COUNT(*), NULL FROM resources WHERE \(filter)
            GROUP BY resources.department_code, resources.facet_key, resources.theme_mask\(tagPart)
            """
            : """
            WITH matched AS MATERIALIZED (
                SELECT resources.id, resources.department_code, resources.facet_key, resources.theme_mask,
                       resources.name, resources.item_count, resources.code\(sortColumns)
                FROM \(source) WHERE \(filter))
            SELECT 'p' AS part, NULL AS d, NULL AS k, NULL AS t, NULL AS n, page.id AS id FROM (
                SELECT resources.id FROM matched AS resources ORDER BY \(order) LIMIT \(literal: limit) OFFSET \(literal: offset)
            ) AS page
            UNION ALL
            SELECT 'f', department_code, facet_key, theme_mask, COUNT(*), NULL FROM matched
            GROUP BY department_code, facet_key, theme_mask\(tagPart)
            """
    }

    /// The total and every facet from the groups of matches by department, packed
    /// ``FacetKey`` and theme mask (a few thousand groups at most), summed per facet here.
    func totalAndFacets(_ groups: [FacetGroup], departmentNames: [String: String], language: String) -> (Int, [String: [FacetCount]]) {
        var total = 0
        var counts: [String: [String: Int]] = [:]
        func add(_ facet: String, _ value: String, _ n: Int) { counts[facet, default: [:]][value, default: 0] += n }
        for group in groups {
            let n = group.count
            total += n
            add("department", group.department, n)
            if let key = FacetKey(packed: group.key) {
                add("classification", key.kind.rawValue, n); add("sharing", key.sharing.rawValue, n)
                add("open", key.open.rawValue, n); add("cycle", key.cycle.rawValue, n); add("format", key.format.rawValue, n)
            }
            for theme in FacetKey.themes(inMask: group.themes) { add("theme", theme.rawValue, n) }
        }
        var facets: [String: [FacetCount]] = [:]
        for name in Self.facetNames {
            facets[name] = (counts[name] ?? [:])
                .map {
                    FacetCount(
                        value: $0.key, label: Self.label(facet: name, value: $0.key, departmentNames: departmentNames, language: language), count: $0.value)
                }
                .sorted { ($0.count, $1.value) > ($1.count, $0.value) }
        }
        return (total, facets)
    }

    static func label(facet: String, value: String, departmentNames: [String: String], language: String) -> String {
        switch facet {
        case "department": return departmentNames[value] ?? value
        case "classification": return CatalogKind(rawValue: value)?.label(language) ?? value
        case "sharing": return SharingType(rawValue: value)?.label(language) ?? value
        case "open": return OpenType(rawValue: value)?.label(language) ?? value
        case "cycle": return UpdateCycle(rawValue: value)?.label(language) ?? value
        case "format": return ResourceFormat(rawValue: value)?.label(language) ?? value
        case "theme": return Theme(rawValue: value)?.label(language) ?? value
        default: return value
        }
    }

    // MARK: SQL pieces (every user value is a bind)

    func whereClause(_ q: ResourceQuery) throws -> SQLQueryString {
        var parts: [SQLQueryString] = [visibility()] + extraConditions
        if let text = Self.text(q) {
            guard text.count <= 200 else {
                throw AppError.field(.badRequest, "query_too_long", "q", zh: "查询词不超过 200 字", en: "A query is at most 200 characters")
            }
            if SearchTerms.queryTerms(in: text).isEmpty {
                parts.append("resources.search_text LIKE \(bind: "%" + Self.likeEscaped(text.lowercased()) + "%") ESCAPE '\\'")
            }
        }
        func parse<T: CatalogTerm>(_ value: String?, _ type: T.Type, _ param: String) throws -> T? {
            guard let value, !value.isEmpty else { return nil }
            guard let term = T(rawValue: value) else {
                throw AppError.field(
                    .badRequest, "invalid_filter", param, zh: "未知的筛选值：\(value)",
                    en: "Unknown \(param) \(value); one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return term
        }
        // The five fixed facets filter on the packed key, which the covering indexes hold.
        func facetFilter<T: CatalogTerm>(_ value: String?, _ type: T.Type, _ param: String) throws {
            guard let term = try parse(value, type, param), let at = FacetKey.position(of: term) else { return }
            parts.append("((resources.facet_key >> \(literal: at.shift)) & 255) = \(literal: at.index)")
        }
        try facetFilter(q.sharing, SharingType.self, "sharing")
        try facetFilter(q.open, OpenType.self, "open")
        try facetFilter(q.cycle, UpdateCycle.self, "cycle")
        try facetFilter(q.format, ResourceFormat.self, "format")
        try facetFilter(q.kind, CatalogKind.self, "kind")
        if let status = try parse(q.status, LifecycleState.self, "status") { parts.append("resources.status = \(bind: status.rawValue)") }
        if let d = q.department, !d.isEmpty { parts.append("resources.department_code = \(bind: d)") }
        if let c = q.classification, !c.isEmpty {
            guard c.allSatisfy(\.isNumber), c.count <= 12 else {
                throw AppError.field(.badRequest, "invalid_filter", "classification", zh: "分类代码须为数字", en: "classification is a digit prefix such as 101")
            }
            parts.append("resources.classification LIKE \(bind: c + "%")")
        }
        if let theme = try parse(q.theme, Theme.self, "theme") {
            parts.append("(resources.theme_mask & \(literal: FacetKey.bit(theme))) <> 0")
        }
        return parts.joined(separator: " AND ")
    }

    /// The rows searched: the whole catalog, or, for a text query, the resources holding every
    /// term of it, joined from the term index (which drives the plan: it is the selective side).
    func from(_ q: ResourceQuery) -> SQLQueryString {
        guard let text = Self.text(q) else { return "resources" }
        let terms = SearchTerms.queryTerms(in: text)
        switch terms.count {
        case 0:
            return "resources"  // punctuation or symbols only: matched by substring in `whereClause`
        case 1:
            return "search_terms AS hits JOIN resources ON resources.id = hits.resource_id AND hits.term = \(bind: terms[0])"
        default:
            return """
                (SELECT resource_id FROM search_terms WHERE term IN (\(binds: terms))
                 GROUP BY resource_id HAVING COUNT(*) = \(literal: terms.count)) AS hits
                JOIN resources ON resources.id = hits.resource_id
                """
        }
    }

    static func text(_ q: ResourceQuery) -> String? {
        guard let text = q.q?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    static func likeEscaped(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    /// What the actor may list: the published catalog, plus unpublished and classified
    /// resources as far as the authorization table reaches.
    func visibility() -> SQLQueryString {
        if portal { return OpenCatalog.onPortal }
        // The published catalog, and what is in public notice (公示), which is there to be seen by everyone.
        let inCatalog: SQLQueryString = "((resources.published_revision IS NOT NULL AND resources.status <> 'retired') OR resources.status = 'notice')"
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
            let needle = "%" + Self.likeEscaped((q.q ?? "").trimmingCharacters(in: .whitespaces).lowercased()) + "%"
            return "CASE WHEN LOWER(resources.name) LIKE \(bind: needle) ESCAPE '\\' THEN 0 ELSE 1 END, resources.item_count DESC, resources.code"
        case "code": return "resources.code"
        case "-code": return "resources.code DESC"
        case "name": return "resources.name, resources.code"
        case "-name": return "resources.name DESC, resources.code"
        case "updated": return "resources.updated_at, resources.code"
        case "-updated": return "resources.updated_at DESC, resources.code"
        case "-heat":
            // The 30-day heat score kept in `heat_scores` (``HeatScores``; callers refresh it first).
            return """
                COALESCE((SELECT heat_scores.score FROM heat_scores WHERE heat_scores.resource_code = resources.code), 0) DESC, resources.code
                """
        case "-downloads" where portal:
            return """
                (SELECT COALESCE(SUM(open_counters.n), 0) FROM open_counters
                 WHERE open_counters.resource_code = resources.code AND open_counters.kind = 'download') DESC, resources.code
                """
        case let other:
            throw AppError.field(
                .badRequest, "invalid_sort", "sort", zh: "不支持的排序：\(other)",
                en: "Unknown sort \(other); one of relevance, code, -code, name, -name, updated, -updated, -heat")
        }
    }
}
