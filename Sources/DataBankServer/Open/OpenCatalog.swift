import Fluent
import SQLKit
import Vapor
import DataBankCore

/// What the open portal lists: the published, unclassified resources whose open type is
/// 无条件开放 or 有条件开放 (不予开放 is not on the portal at all: its code answers as an unknown
/// one). Searches reuse ``CatalogSearch`` with this scope instead of the reader's catalog reach.
enum OpenCatalog {
    /// The portal's scope as a SQL predicate over `resources`.
    static var onPortal: SQLQueryString {
        """
        (resources.published_revision IS NOT NULL AND resources.status <> 'retired' AND resources.classified = \(bind: false) \
        AND resources.open_type IN ('unconditional', 'conditional'))
        """
    }

    /// The open types the portal shows.
    static let openTypes = [OpenType.unconditional.rawValue, OpenType.conditional.rawValue]

    /// ``onPortal`` as a Fluent query.
    static func query(on db: any Database) -> QueryBuilder<ResourceRow> {
        ResourceRow.query(on: db)
            .filter(\.$publishedRevision != nil)
            .filter(\.$status != LifecycleState.retired.rawValue)
            .filter(\.$classified == false)
            .filter(\.$openType ~~ openTypes)
    }

    /// The same scope for one loaded row.
    static func isOnPortal(_ r: ResourceRow) -> Bool {
        CatalogService.isInCatalog(r) && !r.classified && openTypes.contains(r.openType)
    }

    /// The dataset named by `code` if the portal shows it (else nil: the portal's 404).
    static func dataset(_ code: String, on db: any Database) async throws -> ResourceRow? {
        guard let row = try await ResourceRow.query(on: db).filter(\.$code == code).first(), isOnPortal(row) else { return nil }
        return row
    }

    /// The portal's search: the catalog's engine, restricted to the portal's scope, its matches
    /// kept for the catalog's epoch (``MatchesCache``).
    static func search(_ query: ResourceQuery, req: Request) async throws -> SearchPage {
        let names = try await Directory.departmentNames(on: req.db, language: req.language)
        var search = CatalogSearch(sql: req.sql, actor: nil, portal: true)
        search.cache = try await MatchesCache.forRequest(req)
        return try await search.run(query, departmentNames: names, language: req.language)
    }

    /// The home page's and a provider page's figures.
    struct Figures: Sendable {
        var datasets = 0, providers = 0, records = 0, downloads = 0, previews = 0, apiCalls = 0
    }

    static func figures(department: String? = nil, on sql: any SQLDatabase) async throws -> Figures {
        let scope: SQLQueryString = department.map { "AND resources.department_code = \(bind: $0)" } ?? ""
        var f = Figures()
        if let row = try await sql.raw(
            "SELECT COUNT(*) AS d, COUNT(DISTINCT resources.department_code) AS p FROM resources WHERE \(onPortal) \(scope)"
        ).first() {
            f.datasets = try row.decode(column: "d", as: Int.self)
            f.providers = try row.decode(column: "p", as: Int.self)
        }
        f.records =
            try await sql.raw(
                """
                SELECT CAST(COALESCE(SUM(record_stores.row_count), 0) AS BIGINT) AS n FROM record_stores
                JOIN resources ON resources.code = record_stores.resource_code
                WHERE \(onPortal) AND resources.open_type = 'unconditional' \(scope)
                """
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        // Calls: every metered call in `api_usage` (keys, portal sessions, anonymous addresses) but
        // the downloads among them, plus the data calls the meter does not see (staff, apps).
        // Downloads: every one is in `open_counters`, metered or not.
        let uses = try await OpenCounters.rows(department: department, on: sql)
        let metered = try await OpenCounters.meteredCalls(department: department, on: sql)
        func n(_ kind: String) -> Int { uses[kind] ?? 0 }
        f.downloads = n(OpenUse.download.rawValue)
        f.previews = n(OpenUse.preview.rawValue)
        f.apiCalls =
            max(0, metered - n(OpenCounters.metered(.download))) + n(OpenUse.api.rawValue) - n(OpenCounters.metered(.api))
        return f
    }

    /// One line of a featured list: a dataset anyone may read, with its records and uses.
    struct Featured: Sendable {
        var code: String, name: String, nameEn: String?, departmentCode: String, records: Int, downloads: Int, format: String, cycle: String
        var openType: String
    }

    /// `realtime`: the live feeds (bus positions, car parks, air, weather), 有条件开放 ones included
    /// (shown with their notice), the largest first.
    enum FeaturedOrder { case newest, mostUsed, realtime }

    /// Datasets that hold records and are open to anyone: the newest, or the most used (downloads,
    /// previews and data calls; then the largest, so a fresh portal features its flagship stores).
    static func featured(_ order: FeaturedOrder, limit: Int = 6, department: String? = nil, on sql: any SQLDatabase) async throws -> [Featured] {
        let scope: SQLQueryString = department.map { "AND resources.department_code = \(bind: $0)" } ?? ""
        let orderBy: SQLQueryString =
            switch order {
            case .newest: "resources.updated_at DESC, resources.created_at DESC, resources.code DESC"
            case .mostUsed: "COALESCE(uses.n, 0) DESC, record_stores.row_count DESC, resources.code"
            case .realtime: "CASE WHEN resources.open_type = 'unconditional' THEN 0 ELSE 1 END, record_stores.row_count DESC, resources.code"
            }
        let which: SQLQueryString =
            order == .realtime
            ? "resources.update_cycle = 'realtime' AND (resources.open_type = 'conditional' OR record_stores.row_count > 0)"
            : "resources.open_type = 'unconditional' AND record_stores.row_count > 0"
        let rows = try await sql.raw(
            """
            SELECT resources.code, resources.name, resources.name_en, resources.department_code, resources.format, resources.update_cycle,
                   resources.open_type, record_stores.row_count AS records, CAST(COALESCE(downloads.n, 0) AS BIGINT) AS downloads
            FROM resources JOIN record_stores ON record_stores.resource_code = resources.code
            LEFT JOIN (SELECT resource_code, CAST(SUM(n) AS BIGINT) AS n FROM open_counters GROUP BY resource_code) AS uses
                ON uses.resource_code = resources.code
            LEFT JOIN open_counters AS downloads ON downloads.resource_code = resources.code AND downloads.kind = 'download'
            WHERE \(onPortal) AND \(which) \(scope)
            ORDER BY \(orderBy) LIMIT \(literal: limit)
            """
        ).all()
        return try rows.map { r in
            Featured(
                code: try r.decode(column: "code", as: String.self), name: try r.decode(column: "name", as: String.self),
                nameEn: try r.decode(column: "name_en", as: String?.self), departmentCode: try r.decode(column: "department_code", as: String.self),
                records: try r.decode(column: "records", as: Int.self), downloads: try r.decode(column: "downloads", as: Int.self),
                format: try r.decode(column: "format", as: String.self), cycle: try r.decode(column: "update_cycle", as: String.self),
                openType: try r.decode(column: "open_type", as: String.self))
        }
    }

    /// Datasets related to `r` on the portal: the ones its entry names, then those sharing a theme
    /// and the provider, a theme, or the provider.
    static func related(to r: ResourceRow, limit: Int = 5, on db: any Database) async throws -> [ResourceRow] {
        let sql = db.sql
        let named = (r.catalogSnapshot?.relatedCodes ?? []).filter { $0 != r.code }
        var out: [ResourceRow] = []
        if !named.isEmpty {
            out = try await ResourceRow.query(on: db).filter(\.$code ~~ named).all().filter(isOnPortal)
        }
        let rows = try await sql.raw(
            """
            SELECT resources.code FROM resources
            WHERE \(onPortal) AND resources.code <> \(bind: r.code)
              AND (resources.department_code = \(bind: r.departmentCode) OR (resources.theme_mask & \(literal: r.themeMask)) <> 0)
            ORDER BY (CASE WHEN (resources.theme_mask & \(literal: r.themeMask)) <> 0 THEN 2 ELSE 0 END
                      + CASE WHEN resources.department_code = \(bind: r.departmentCode) THEN 1 ELSE 0 END) DESC,
                     resources.code
            LIMIT \(literal: limit)
            """
        ).all()
        let codes = try rows.map { try $0.decode(column: "code", as: String.self) }.filter { c in !out.contains { $0.code == c } }
        if !codes.isEmpty {
            let found = try await ResourceRow.query(on: db).filter(\.$code ~~ codes).all()
            out += codes.compactMap { c in found.first { $0.code == c } }
        }
        return Array(out.prefix(limit))
    }

    /// Names and tags of the portal's datasets (both languages): where close spellings come from.
    static func vocabulary(on sql: any SQLDatabase) async throws -> [String] {
        let rows = try await sql.raw("SELECT resources.name, resources.name_en FROM resources WHERE \(onPortal)").all()
        var out: [String] = []
        for row in rows {
            out.append(try row.decode(column: "name", as: String.self))
            if let en = try row.decode(column: "name_en", as: String?.self) { out.append(en) }
        }
        return out + Theme.allCases.flatMap { [$0.zh, $0.en] }
    }

    /// Each item's name by column in the page language: the item's own name in Chinese, its
    /// standard's English name in English (the item's name where the standard has none).
    static func itemLabels(_ r: ResourceRow, language: String, on db: any Database) async throws -> [String: String] {
        let items = r.catalogSnapshot?.items ?? []
        var english: [String: String] = [:]
        if language == "en" {
            let standards = try await StandardRow.query(on: db).filter(\.$code ~~ Array(Set(items.map(\.standardCode)))).all()
            english = Dictionary(standards.compactMap { s in s.nameEn.map { (s.code, $0) } }, uniquingKeysWith: { a, _ in a })
        }
        return Dictionary(items.map { ($0.column, english[$0.standardCode] ?? $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// The latest full check's overall score and when it ran, if the dataset was ever checked.
    static func quality(_ code: String, on db: any Database) async throws -> (score: Double, at: Date)? {
        guard let run = try await QualityRunRow.query(on: db).filter(\.$resourceCode == code).sort(\.$finishedAt, .descending).first() else { return nil }
        return (run.overall, run.finishedAt)
    }
}
