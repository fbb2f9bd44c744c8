import Fluent
import Foundation
import Vapor
import DataBankCore

/// Saved charts: load → authorize → validate → act. A chart is checked on save by computing it as
/// its maker (``ChartReading``), so an unknown item, a measure on a non-numeric item, a masked
/// grouping or too many groups is refused with its field before anything is stored.
enum SavedCharts {
    /// The JSON body of `POST`/`PUT /api/v1/charts` (and what the builder form fills).
    struct Input: Content, Sendable {
        var resource: String
        var type: String
        var source: String?
        var group: String?
        var measures: String?
        var sort: String?
        var top: Int?
        /// Filter parameters of the records query, by name (`{"region_code": "440604"}`).
        var filters: [String: String]?
        var title: String
        var description: String?
        var colours: [String]?
        var unit: String?
        var refreshSeconds: Int?
        var visibility: String?
        /// The owner department (the data authority may name one; others own what they make).
        var department: String?

        var query: ChartQuery {
            ChartQuery(
                group: group ?? "", measures: measures ?? "count", sort: sort ?? "", top: top,
                filters: (filters ?? [:]).sorted { $0.key < $1.key }.map { ChartQuery.Filter(name: $0.key, value: $0.value) })
        }
        var settings: ChartSettings {
            ChartSettings(title: title, description: description ?? "", colours: colours ?? [], unit: unit ?? "", refreshSeconds: refreshSeconds ?? 0)
        }
    }

    /// What a checked input becomes.
    struct Checked: Sendable {
        var resource: String, type: ChartType, source: ChartSource, query: ChartQuery, settings: ChartSettings
        var visibility: ChartVisibility, department: String
    }

    /// Checks an input without storing it: the fields, the maker's right to make it for the
    /// department, and the chart computed as the maker.
    static func check(_ input: Input, _ req: Request, existing: ChartRow? = nil) async throws -> (Checked, ChartReading.Answer) {
        let user = try req.requireUser()
        var problems = input.settings.problems()
        let type = ChartType(rawValue: input.type.trimmingCharacters(in: .whitespaces))
        if type == nil {
            problems.append(
                FieldError(
                    field: "type", code: "unknown_chart_type", message: "未知的图表类型：\(input.type)",
                    messageEn: "Unknown chart type \(input.type); one of \(ChartType.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        let source = ChartSource(rawValue: input.source ?? "aggregate")
        if source == nil {
            problems.append(
                FieldError(field: "source", code: "invalid_source", message: "数据来源为 aggregate 或 latest", messageEn: "source is aggregate or latest"))
        }
        let visibility = ChartVisibility(rawValue: input.visibility ?? existing?.visibility ?? "department")
        if visibility == nil {
            problems.append(
                FieldError(
                    field: "visibility", code: "invalid_visibility", message: "可见范围为 private、department、platform 或 public",
                    messageEn: "visibility is private, department, platform or public"))
        }
        let code = input.resource.trimmingCharacters(in: .whitespaces)
        if code.isEmpty { problems.append(FieldError(field: "resource", code: "required", message: "请选择资源", messageEn: "Pick a resource")) }
        guard problems.isEmpty, let type, let source, let visibility else { throw AppError.validation(problems) }
        let department = try await ownerDepartment(input.department, existing: existing, user: user, req)
        try req.authorize(.manageCharts, department: department)
        let checked = Checked(
            resource: code, type: type, source: source, query: input.query, settings: input.settings, visibility: visibility, department: department)
        return (checked, try await preview(checked, req))
    }

    /// The chart computed as the maker: 422 `unknown_resource` for a resource they cannot see,
    /// 403 for one they may not read, else whatever the aggregate refuses, with its field.
    static func preview(_ c: Checked, _ req: Request) async throws -> ChartReading.Answer {
        let read: StoreRead
        do {
            read = try await StoreReading.read(req, code: c.resource, purposeRequired: false)
        } catch let e as AppError where e.code == "not_found" {
            throw AppError.field(
                .unprocessableEntity, "unknown_resource", "resource", zh: "未知资源：\(c.resource)", en: "Unknown resource \(c.resource)")
        } catch let e as AppError where e.code == "no_grant" {
            throw ChartReading.notReadable(c.resource)
        }
        return try await ChartReading.compute(
            resource: c.resource, source: c.source, type: c.type, query: c.query, unit: c.settings.unit, purpose: read.purpose ?? "图表制作（chart builder）",
            read: read, req)
    }

    static func ownerDepartment(_ asked: String?, existing: ChartRow?, user: User, _ req: Request) async throws -> String {
        let asked = asked?.trimmingCharacters(in: .whitespaces) ?? ""
        if asked.isEmpty || asked == (existing?.departmentCode ?? user.departmentCode) { return existing?.departmentCode ?? user.departmentCode }
        guard user.role == .platformAdmin else {
            throw AppError.field(
                .forbidden, "forbidden", "department", zh: "只有平台管理员可以为其他部门保存图表", en: "Only the platform admin saves charts for another department")
        }
        guard try await Department.query(on: req.db).filter(\.$code == asked).first() != nil else {
            throw AppError.field(.unprocessableEntity, "unknown_department", "department", zh: "未知部门：\(asked)", en: "Unknown department \(asked)")
        }
        return asked
    }

    static func create(_ input: Input, _ req: Request) async throws -> ChartRow {
        let (c, _) = try await check(input, req)
        let row = ChartRow()
        apply(c, to: row)
        row.createdBy = try req.requireUser().requireID()
        try await row.create(on: req.db)
        await keepRolledUp(c, req)
        return row
    }

    static func update(_ row: ChartRow, _ input: Input, _ req: Request) async throws -> ChartRow {
        try authorizeEdit(row, req)
        let (c, _) = try await check(input, req, existing: row)
        apply(c, to: row)
        try await row.save(on: req.db)
        await keepRolledUp(c, req)
        return row
    }

    /// Registers (or reuses) the rollup of a chart's aggregate, so rendering it reads a few kept
    /// groups instead of scanning the store (``AggregateRollups``). A rollup that cannot be made
    /// leaves the chart computed directly, as correct and only slower: logged, not refused.
    static func keepRolledUp(_ c: Checked, _ req: Request) async {
        guard c.source == .aggregate else { return }
        let spec = AggregateRollupSpec(group: c.query.group, measures: c.query.measures, filters: c.query.filters.map { ($0.name, $0.value) })
        do {
            let store = try await RecordStores.find(c.resource, on: req.db)
            _ = try await AggregateRollups.ensure(spec, store: store, by: req.user?.username, on: req.db)
        } catch {
            req.logger.warning("chart of \(c.resource) keeps no rollup: \(String(describing: error))")
        }
    }

    static func delete(_ row: ChartRow, _ req: Request) async throws {
        try authorizeEdit(row, req)
        let id = try row.requireID()
        try await req.db.transaction { tx in
            try await DashboardTileRow.query(on: tx).filter(\.$chartID == id).delete()
            try await row.delete(on: tx)
        }
    }

    static func apply(_ c: Checked, to row: ChartRow) {
        row.resourceCode = c.resource
        row.chartType = c.type.rawValue
        row.source = c.source.rawValue
        row.query = c.query.queryString
        row.title = c.settings.title
        row.description = c.settings.description
        row.colours = c.settings.colours.joined(separator: ",")
        row.unit = c.settings.unit
        row.refreshSeconds = c.settings.refreshSeconds
        row.visibility = c.visibility.rawValue
        row.departmentCode = c.department
    }

    /// The owner department's stewards and admins, and the data authority, edit a chart they can see.
    static func authorizeEdit(_ row: ChartRow, _ req: Request) throws {
        try req.authorize(.manageCharts, department: row.departmentCode)
    }

    /// The chart `id` if the caller may see it; 404 exactly as for an unknown id otherwise.
    static func find(_ id: String?, _ req: Request) async throws -> ChartRow {
        guard let id = id.flatMap(UUID.init(uuidString:)), let row = try await ChartRow.find(id, on: req.db), row.isVisible(to: req.actor) else {
            throw AppError.notFound("Chart \(id ?? "")")
        }
        return row
    }

    /// The charts the caller may see, newest first (the visibility rule in SQL's terms).
    static func visible(_ req: Request, resource: String? = nil, limit: Int = 500) async throws -> [ChartRow] {
        let q = ChartRow.query(on: req.db)
        if let resource { q.filter(\.$resourceCode == resource) }
        VisibilityFilter.restrict(q, to: req.actor, visibility: \.$visibility, department: \.$departmentCode, owner: \.$createdBy)
        return try await q.sort(\.$updatedAt, .descending).range(0..<limit).all()
    }

    /// A chart as the API writes it.
    struct Output: Content {
        var id: UUID
        var resource: String
        var type: String
        var source: String
        var group: String
        var measures: String
        var sort: String
        var top: Int?
        var filters: [String: String]
        /// The aggregate API's query string (`GET /api/v1/resources/{resource}/aggregate?{query}`).
        var query: String
        var title: String
        var description: String
        var colours: [String]
        var unit: String
        var refreshSeconds: Int
        var visibility: String
        var department: String
        var createdBy: UUID
        var createdAt: Date?
        var updatedAt: Date?
        var links: [String: String]
    }

    static func output(_ row: ChartRow) -> Output {
        let q = row.chartQuery
        let id = row.id ?? UUID()
        var links = [
            "self": SiteURL.apiChart(id).path, "data": SiteURL.apiChartFile(id, .data).path, "csv": SiteURL.apiChartFile(id, .csv).path,
            "svg": SiteURL.apiChartFile(id, .svg).path, "png": SiteURL.apiChartFile(id, .png).path, "page": SiteURL.chart(id).path
        ]
        if row.chartVisibility == .public { links["embed"] = SiteURL.embedChart(id).path }
        return Output(
            id: id, resource: row.resourceCode, type: row.chartType, source: row.source, group: q.group, measures: q.measures, sort: q.sort,
            top: q.top, filters: Dictionary(q.filters.map { ($0.name, $0.value) }, uniquingKeysWith: { _, b in b }), query: row.query,
            title: row.title, description: row.description, colours: row.colourList, unit: row.unit, refreshSeconds: row.refreshSeconds,
            visibility: row.visibility, department: row.departmentCode, createdBy: row.createdBy, createdAt: row.createdAt, updatedAt: row.updatedAt,
            links: links)
    }
}
