import Fluent
import Vapor
import DataBankCore

/// `GET/POST /api/v1/resources/{code}/aggregate/rollups`, `DELETE …/rollups/{id}`,
/// `POST …/rollups/{id}/rebuild`: the resource's rollups, managed by its provider's stewards and
/// the data authority (`manageRollups`). Registering builds the rollup at once.
struct RollupsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let rollups = routes.grouped("resources", ":code", "aggregate", "rollups")
        rollups.get(use: Self.list).gate(.action(.manageRollups))
        rollups.post(use: Self.add).gate(.action(.manageRollups))
        rollups.delete(":id", use: Self.remove).gate(.action(.manageRollups))
        rollups.post(":id", "rebuild", use: Self.rebuild).gate(.action(.manageRollups))
    }

    struct AddBody: Content {
        var group: String?
        var measures: String?
        /// The records query's filters, by parameter name (`{"establish_date__gte": "2024-01-01"}`).
        var filters: [String: String]?
    }

    static func list(req: Request) async throws -> ListPage<AggregateRollups.Row> {
        let (store, _) = try await StoreReading.forAction(req, .manageRollups)
        let items = try await AggregateRollups.list(store.resourceCode, on: req.db.sql)
        return ListPage(items: items, total: items.count)
    }

    static func add(req: Request) async throws -> Response {
        let (store, _) = try await StoreReading.forAction(req, .manageRollups)
        let body = try req.content.decode(AddBody.self)
        let filters = (body.filters ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        for (name, _) in filters where AggregateRequest.parameters.contains(name) || RecordFilter.reserved.contains(name) {
            throw AppError.field(
                .badRequest, "invalid_rollup", name, zh: "筛选条件不能是 \(name)", en: "\(name) is not a filter; a rollup holds groups, measures and filters")
        }
        let spec = AggregateRollupSpec(group: body.group ?? "", measures: body.measures ?? "count", filters: filters)
        let row = try await AggregateRollups.register(spec, store: store, by: req.user?.username, on: req.db)
        return try await row.encodeResponse(status: .created, for: req)
    }

    static func remove(req: Request) async throws -> HTTPStatus {
        let (store, _) = try await StoreReading.forAction(req, .manageRollups)
        try await AggregateRollups.remove(try req.parameters.require("id"), code: store.resourceCode, on: req.db)
        return .noContent
    }

    static func rebuild(req: Request) async throws -> AggregateRollups.Row {
        let (store, _) = try await StoreReading.forAction(req, .manageRollups)
        return try await AggregateRollups.rebuild(try req.parameters.require("id"), code: store.resourceCode, on: req.db)
    }
}
