import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `package_search`, `package_list`, `package_show`, `current_package_list_with_resources`, `resource_show`.
enum CKANPackages {
    /// CKAN's `ckan.search.rows_max`: larger `rows` are clamped to it, as CKAN does.
    static let rowsMax = 1_000
    static let facetFields = ["organization", "groups", "tags", "res_format", "license_id", "open_type", "update_cycle"]

    @Sendable static func search(_ call: CKANCall) async throws -> String {
        let rows = try call.clamped("rows", maximum: rowsMax) ?? 10
        let start = try call.natural("start") ?? 0
        var text = try call.string("q")?.trimmingCharacters(in: .whitespaces)
        var clauses: [CKANFilterQuery.Clause] = []
        if let q = text {
            if q.isEmpty || q == "*:*" || q == "*" {
                text = nil
            } else if isFieldQuery(q) {
                clauses += try parse(q)
                text = nil
            }
        }
        for fq in [try call.string("fq")].compactMap({ $0 }) + (try call.list("fq_list") ?? []) { clauses += try parse(fq) }
        let sortText = try call.string("sort")
        let sort: String
        switch CKANPackageSort.catalogSort(sortText, hasQuery: text != nil) {
        case .success(let s): sort = s
        case .failure(let e): throw CKANError.search(e.message)
        }
        let search = CKANCatalog.search(call, extra: clauses.map(CKANCatalog.condition), cache: try await MatchesCache.forRequest(call.req))
        let query = ResourceQuery(q: text, limit: rows, offset: start, sort: sort)
        let faceted = call.bool("facet", default: true)
        let facetFields = faceted ? try call.list("facet.field") ?? [] : []
        // Per call: the departments once, one search statement (page ids, facet groups and, when
        // asked, tag counts; its answer kept for the catalog's epoch), then the page's rows and their stores.
        async let departmentRows = Department.query(on: call.req.db).all()
        async let found = search.matches(query, tags: facetFields.contains("tags"))
        let (departments, matches) = try await (departmentRows, found)
        let names = Dictionary(departments.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let order = try search.orderBy(query)
        async let results = packages(ids: matches.pageIDs, order: order, call, departments: departments)
        let (total, catalogFacets) = search.totalAndFacets(matches.groups, departmentNames: names, language: "zh")

        // Facets: CKAN's `facets` ({field: {value: count}}) and `search_facets` (with display names).
        var facets: [String: CKANValue] = [:]
        var searchFacets: [String: CKANValue] = [:]
        if faceted {
            let limit = try facetLimit(call)
            for field in facetFields {
                let counts = try await facet(field, facets: catalogFacets, tags: matches.tags, search: search, query: query, call: call)
                let shown = limit.map { Array(counts.prefix($0)) } ?? counts
                facets[field] = .object(Dictionary(shown.map { ($0.name, .number(Double($0.count))) }, uniquingKeysWith: { a, _ in a }))
                searchFacets[field] = .object([
                    "title": .string(field),
                    "items": .list(shown.map { .object(["name": .string($0.name), "display_name": .string($0.label), "count": .number(Double($0.count))]) })
                ])
            }
        }
        let result: [String: CKANValue] = [
            "count": .number(Double(total)), "results": .list(try await results), "sort": .string(sortText ?? "score desc, metadata_modified desc"),
            "facets": .object(facets), "search_facets": .object(searchFacets)
        ]
        return CKANJSON.encode(result)
    }

    /// `q` written as Solr field queries (`organization:x`, `tags:"a b"`) is translated like `fq`.
    static func isFieldQuery(_ q: String) -> Bool {
        guard let colon = q.firstIndex(of: ":") else { return false }
        let field = q[..<colon].drop { $0 == "+" || $0 == "-" }
        return field == "*" || CKANFilterQuery.Field(rawValue: String(field)) != nil
    }

    static func parse(_ fq: String) throws -> [CKANFilterQuery.Clause] {
        do { return try CKANFilterQuery.parse(fq).clauses } catch { throw CKANError.search(error.message) }
    }

    static func facetLimit(_ call: CKANCall) throws -> Int? {
        guard let text = try call.string("facet.limit"), !text.isEmpty else { return 50 }
        guard let n = Int(text) else { throw CKANError.invalid("facet.limit", "Invalid integer") }
        return n < 0 ? nil : n
    }

    struct FacetItem: Sendable { var name: String, label: String, count: Int }

    /// One facet field's counts: from the catalog search's facets, the tag counts of its statement,
    /// or (`res_format`) one count of the matches that have a record store.
    static func facet(
        _ field: String, facets: [String: [FacetCount]], tags: [(tag: String, count: Int)], search: CatalogSearch, query: ResourceQuery,
        call: CKANCall
    ) async throws -> [FacetItem] {
        func from(_ name: String, rename: (String) -> String? = { $0 }) -> [FacetItem] {
            (facets[name] ?? []).compactMap { f in rename(f.value).map { FacetItem(name: $0, label: f.label, count: f.count) } }
        }
        switch field {
        case "organization": return from("department")
        case "groups": return from("theme") { Theme(rawValue: $0).map(CKANNames.group) }
        case "open_type": return from("open")
        case "update_cycle": return from("cycle")
        case "license_id":
            var counts: [String: Int] = [:]
            for f in facets["open"] ?? [] {
                counts[CKANNames.license(OpenType(rawValue: f.value) ?? .closed).id, default: 0] += f.count
            }
            return counts.map { FacetItem(name: $0.key, label: $0.key == "other-open" ? "Other (Open)" : "Other (Not Open)", count: $0.value) }
                .sorted { ($0.count, $1.name) > ($1.count, $0.name) }
        case "res_format":
            let filter = try search.whereClause(query)
            let row = try await call.req.db.sql.raw(
                """
                SELECT COUNT(*) AS n FROM \(search.from(query)) WHERE \(filter)
                AND EXISTS (SELECT 1 FROM record_stores WHERE record_stores.resource_code = resources.code)
                """
            ).first()
            let n = try row?.decode(column: "n", as: Int.self) ?? 0
            return n == 0 ? [] : [FacetItem(name: CKANNames.datastoreFormat, label: CKANNames.datastoreFormat, count: n)]
        case "tags":
            // Most used first, then by name (the same order on both databases); CKAN's search.facets.limit at most.
            return tags.sorted { ($0.count, $1.tag) > ($1.count, $0.tag) }.prefix(tagFacetMax).map { FacetItem(name: $0.tag, label: $0.tag, count: $0.count) }
        default:
            return []
        }
    }

    /// The most tags the `tags` facet lists before `facet.limit` (as the SQL's LIMIT did).
    static let tagFacetMax = 1_000

    /// Full package dicts for these codes, in this order.
    static func packages(_ codes: [String], _ call: CKANCall) async throws -> [CKANValue] {
        guard !codes.isEmpty else { return [] }
        async let rowsQuery = ResourceRow.query(on: call.req.db).filter(\.$code ~~ codes).all()
        async let contextQuery = CKANCatalog.Context.load(call, codes: codes)
        let (rows, ctx) = try await (rowsQuery, contextQuery)
        let byCode = Dictionary(rows.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        return codes.compactMap { byCode[$0].map { CKANCatalog.package($0, ctx) } }
    }

    /// Full package dicts for a search page's ids, in the search's order (`order`, as the catalog
    /// search reads its page): the rows, then their stores, with the departments the call read already.
    static func packages(ids: [UUID], order: SQLQueryString, _ call: CKANCall, departments: [Department]) async throws -> [CKANValue] {
        guard !ids.isEmpty else { return [] }
        let rows = try await ResourceRow.query(on: call.req.db).filter(\.$id ~~ ids).sort(.custom(order)).all()
        let ctx = try await CKANCatalog.Context.load(call, codes: rows.map(\.code), departments: departments)
        return rows.map { CKANCatalog.package($0, ctx) }
    }

    @Sendable static func list(_ call: CKANCall) async throws -> String {
        let limit = try call.natural("limit")
        let offset = try call.natural("offset") ?? 0
        // No limit: every name (CKAN's default); an offset alone still needs a LIMIT in SQLite.
        let page: SQLQueryString = limit != nil || offset > 0 ? " LIMIT \(literal: limit ?? 1_000_000_000) OFFSET \(literal: offset)" : ""
        let rows = try await call.req.db.sql.raw(
            "SELECT resources.code FROM resources WHERE \(CKANCatalog.visibleWhere(call)) ORDER BY resources.code\(page)"
        ).all()
        return CKANJSON.encode(try rows.map { try $0.decode(column: "code", as: String.self) })
    }

    @Sendable static func show(_ call: CKANCall) async throws -> String {
        let id = try call.string("id") ?? call.string("name_or_id")
        guard let id, !id.isEmpty else { throw CKANError.invalid("id", "Missing value") }
        guard let row = try await CKANCatalog.package(id, call) else { throw CKANError.notFound() }
        let ctx = try await CKANCatalog.Context.load(call, codes: [row.code])
        return CKANJSON.encode(CKANCatalog.package(row, ctx))
    }

    @Sendable static func currentWithResources(_ call: CKANCall) async throws -> String {
        let limit = min(try call.natural("limit") ?? rowsMax, rowsMax)
        var offset = try call.natural("offset") ?? 0
        if let page = try call.natural("page") {
            guard page >= 1 else { throw CKANError.invalid("page", "Must be a positive integer") }
            let (pageOffset, overflow) = (page - 1).multipliedReportingOverflow(by: limit)
            guard !overflow else { throw CKANError.invalid("page", "Invalid integer") }
            offset = pageOffset
        }
        let rows = try await call.req.db.sql.raw(
            """
            SELECT resources.code FROM resources WHERE \(CKANCatalog.visibleWhere(call))
            ORDER BY resources.updated_at DESC, resources.code LIMIT \(literal: limit) OFFSET \(literal: offset)
            """
        ).all()
        let codes = try rows.map { try $0.decode(column: "code", as: String.self) }
        return CKANJSON.encode(try await packages(codes, call))
    }

    @Sendable static func resourceShow(_ call: CKANCall) async throws -> String {
        let id = try call.required("id")
        guard let found = try await resource(id, call) else { throw CKANError.notFound("Resource was not found.") }
        let ctx = try await CKANCatalog.Context.load(call, codes: [found.1.code])
        return CKANJSON.encode(CKANCatalog.resource(found.0, found.1, ctx))
    }

    /// The record store a CKAN resource id names (its id, or the resource code), if the caller may see its package.
    static func resource(_ id: String, _ call: CKANCall) async throws -> (RecordStoreRow, ResourceRow)? {
        var store: RecordStoreRow?
        if let uuid = UUID(uuidString: id) { store = try await RecordStoreRow.find(uuid, on: call.req.db) }
        if store == nil { store = try await RecordStoreRow.query(on: call.req.db).filter(\.$resourceCode == id).first() }
        guard let store, let row = try await CKANCatalog.package(store.resourceCode, call) else { return nil }
        return (store, row)
    }
}
