import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `GET /api/v1/resources/{code}/aggregate`: groups and measures of a record store, computed by
/// the database under the one read decision (``StoreReading``). Full readers aggregate freely; a
/// grant or the open portal aggregates only items it sees in clear, within its rows, with groups
/// smaller than the resource's k suppressed (``AggregateSuppression``). Audited as a query.
struct AggregateAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let aggregate = routes.grouped("resources", ":code", "aggregate")
        aggregate.get(use: Self.aggregate).gate(.storeRead)
        aggregate.get("settings", use: AggregateSettings.show).gate(.action(.editResource))
        aggregate.put("settings", use: AggregateSettings.update).gate(.action(.editResource))
    }

    static func aggregate(req: Request) async throws -> Response {
        let read = try await StoreReading.read(req)
        let format = req.query[String.self, at: "format"] ?? RecordsAPI.formatFromAccept(req)
        guard format == "json" || format == "csv" else {
            throw AppError.field(.badRequest, "invalid_format", "format", zh: "格式为 json 或 csv", en: "format is json or csv")
        }
        let hash = RecordsAPI.requestHash(req)
        let result = try await evaluate(req, read: read, params: RecordsAPI.queryPairs(req), purpose: read.purpose, hash: hash)
        if format == "csv" {
            let response = RecordsAPI.response("\u{FEFF}" + result.csv, type: "text/csv; charset=utf-8", hash: hash)
            response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"aggregate-\(read.store.resourceCode).csv\"")
            return response
        }
        return RecordsAPI.response(result.json, type: "application/json; charset=utf-8", hash: hash)
    }

    /// The aggregate of `params` (the API's query: group, measures, sort, top and filters) for a reader
    /// whose read decision is `read`, audited as `query.aggregate`. The API and saved charts
    /// (``ChartReading``) both answer through here.
    static func evaluate(_ req: Request, read: StoreRead, params: [(String, String)], purpose: String?, hash: String) async throws -> AggregateResult {
        let (store, view) = (read.store, read.view)
        let request = try parse(params, layout: store.recordLayout)
        // A grant aggregates only what it reads in clear: a masked or ungranted item is refused with its parameter.
        if let view {
            for g in request.groups { try view.requireClear(g.column.name, parameter: "group") }
            for c in request.measures.compactMap(\.column) { try view.requireClear(c.name, parameter: "measures") }
        }
        // The records query's own filters (and the grant's row scope, and its checks on masked items).
        let filters = params.filter { !AggregateRequest.parameters.contains($0.0) }
        let query = try RecordQuery(store: store, params: filters, fields: nil, sort: nil, view: view)
        let sql = req.readSQL
        let k = view == nil ? nil : try await AggregateSettings.minGroupSize(store.resourceCode, on: sql)
        // A rollup that matches answers without scanning the store; its answer is the direct one's.
        let rolled = try await AggregateRollups.answer(
            request, resource: store.resourceCode, query: query, view: view, k: k, language: req.language, on: sql)
        var result: AggregateResult
        if let rolled { result = rolled } else { result = try await run(request, query: query, k: k, language: req.language, on: sql) }
        let regionGroups = try await regionCoded(request, resource: read.resource, code: store.resourceCode, req)
        for (i, g) in request.groups.enumerated() where regionGroups.contains(g.name) { result.columns[i].semantic = SemanticKind.regionCode.rawValue }
        try await RecordsAPI.audit(
            req, store, "query.aggregate", fields: auditFields(request, query: query, filters: filters), count: result.rows.count,
            purpose: purpose, hash: hash)
        return result
    }

    static func parse(_ params: [(String, String)], layout: RecordLayout) throws -> AggregateRequest {
        let q = { (name: String) in params.last { $0.0 == name }?.1 }
        switch AggregateRequest.parse(group: q("group"), measures: q("measures"), sort: q("sort"), top: q("top"), layout: layout) {
        case .success(let r): return r
        case .failure(let e): throw AppError(.badRequest, e.code, e.messageEn, details: [e])
        }
    }

    /// Runs the aggregate: the groups (refused past ``AggregateRequest/maxResultGroups``, with their
    /// number), the suppression plan, and the other row's measures when `top` folds groups.
    /// - Parameter k: the small-cell threshold, nil for full readers.
    static func run(_ request: AggregateRequest, query: RecordQuery, k: Int?, language: String, on sql: any SQLDatabase) async throws -> AggregateResult {
        let builder = AggregateSQL(request: request, query: query, dialect: RecordTables.Dialect(sql))
        let groupCount = request.groups.count
        let collected = RecordTextRows.Collector([AggregateGroupRow]())
        // One more than allowed: a full answer means too many, and only then are they counted.
        try await RecordTextRows.run(builder.groupsStatement(limit: AggregateRequest.maxResultGroups + 1), names: builder.groupNames, on: sql) { cells in
            collected.value.append(
                AggregateGroupRow(
                    keys: Array(cells[0..<groupCount]), count: Int(cells[groupCount] ?? "0") ?? 0, measures: Array(cells[(groupCount + 1)...])))
        }
        let rows = collected.value
        if rows.count > AggregateRequest.maxResultGroups {
            let n = try await sql.raw(builder.countGroupsStatement()).first()?.decode(column: "n", as: Int.self) ?? rows.count
            throw tooManyGroups(n)
        }
        let plan = AggregateSuppression(rows, k: k, top: request.top)
        var otherMeasures: [String?]?
        if request.top != nil, !plan.folded.isEmpty { otherMeasures = try await otherRow(builder, plan: plan, on: sql) }
        return AggregateResult(request: request, plan: plan, otherMeasures: otherMeasures, k: k, language: language)
    }

    /// The groups (by column name) whose item's standard has the semantic kind `regionCode`
    /// (GB/T 2260 codes): the answer marks them `"semantic": "regionCode"`, so that a chart of
    /// any region-coded item is drawn on the map. Only plain text groups can be codes.
    static func regionCoded(_ request: AggregateRequest, resource: ResourceRow, code: String, _ req: Request) async throws -> Set<String> {
        let grouped = Set(request.groups.filter { $0.bucket == nil && $0.column.type == .C }.map(\.column.name))
        guard !grouped.isEmpty else { return [] }
        // The resource's region-coded items, kept per access epoch (resources and standards move it).
        let epoch = try await AccessEpoch.current(req)
        if let epoch, let known = req.application.readCaches.regionItems.value(code, epoch: epoch) { return grouped.intersection(known) }
        var regionItems: Set<String> = []
        if let items = resource.catalogSnapshot?.items, !items.isEmpty {
            let regional = try await StandardRow.query(on: req.db).filter(\.$code ~~ items.map(\.standardCode))
                .filter(\.$semanticKind == SemanticKind.regionCode.rawValue).all()
            let codes = Set(regional.map(\.code))
            regionItems = Set(items.filter { codes.contains($0.standardCode) }.map(\.column))
        }
        if let epoch { req.application.readCaches.regionItems.store(regionItems, code, epoch: epoch) }
        return grouped.intersection(regionItems)
    }

    /// The other row's measures over the records of the folded groups.
    static func otherRow(_ builder: AggregateSQL, plan: AggregateSuppression, on sql: any SQLDatabase) async throws -> [String?] {
        // Name the smaller set: the folded groups, or every other group (the first N and the dropped).
        let excluded = plan.shown + plan.dropped
        let excluding = excluded.count < plan.folded.count
        let statement = builder.otherStatement(keys: (excluding ? excluded : plan.folded).map(\.keys), excluding: excluding)
        let other = RecordTextRows.Collector([String?]())
        try await RecordTextRows.run(statement, names: builder.measureNames, on: sql) { other.value = $0 }
        return other.value
    }

    static func tooManyGroups(_ n: Int) -> AppError {
        AppError.field(
            .unprocessableEntity, "too_many_groups", "group",
            zh: "分组结果有 \(n) 组，超过上限 \(AggregateRequest.maxResultGroups)：请换用更粗的分组或加筛选条件",
            en: "The grouping makes \(n) groups, over the limit of \(AggregateRequest.maxResultGroups): group more coarsely or filter")
    }

    /// What the audit keeps of an aggregate: the items it read (groups, measures, filters), then its
    /// parameters (`?group=…`, `?measures=…`, `?sort=…`, `?top=…`, `?filters=` the filters' names, not their values).
    static func auditFields(_ request: AggregateRequest, query: RecordQuery, filters: [(String, String)]) -> [String] {
        var fields = request.items
        for name in query.conditions.map(\.column.name) where !fields.contains(name) { fields.append(name) }
        fields.append("?group=" + request.groups.map(\.name).joined(separator: ","))
        fields.append("?measures=" + request.measures.map(\.name).joined(separator: ","))
        if let sort = request.sort {
            let name: String
            switch sort.key {
            case .group(let i): name = request.groups[i].name
            case .measure(let i): name = request.measures[i].name
            }
            fields.append("?sort=" + (sort.descending ? "-" : "") + name)
        }
        if let top = request.top { fields.append("?top=\(top)") }
        let filterNames = filters.map(\.0).filter { !RecordFilter.reserved.contains($0) }
        if !filterNames.isEmpty { fields.append("?filters=" + filterNames.joined(separator: ",")) }
        return fields
    }
}
