import Fluent
import Vapor
import DataBankCore

/// Objections over HTTP:
/// `POST/GET /api/v1/resources/{code}/objections`, `GET /api/v1/objections`, `GET /api/v1/objections/{id}`,
/// `POST /api/v1/objections/{id}/accept|reject|withdraw`, `GET /api/v1/resources/{code}/objections/counts`.
struct ObjectionsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let resource = routes.grouped("resources", ":code", "objections")
        resource.post(use: raise).gate(.action(.raiseObjection))
        resource.get(use: listForResource).gate(.signedIn)
        resource.get("counts", use: counts).gate(.signedIn)
        let objections = routes.grouped("objections")
        objections.get(use: list).gate(.signedIn)
        objections.get(":id", use: show).gate(.signedIn)
        objections.post(":id", "accept", use: accept).gate(.action(.resolveObjection))
        objections.post(":id", "reject", use: reject).gate(.action(.resolveObjection))
        objections.post(":id", "withdraw", use: withdraw).gate(.signedIn)
    }

    func raise(req: Request) async throws -> Response {
        let body = try req.content.decode(Objections.Raise.self)
        let row = try await Objections.raise(body, resource: try req.parameters.require("code"), req: req)
        return try await ObjectionInfo(row).encodeResponse(status: .created, for: req)
    }

    /// A resource's objections: the provider (and the platform) sees all; another department its own.
    func listForResource(req: Request) async throws -> ListPage<ObjectionInfo> {
        let user = try req.requireUser()
        // 404 exactly as for an unknown code when the resource is hidden from the caller.
        let resource = try await CatalogService(req: req).visible(code: try req.parameters.require("code"))
        let store = try await RecordStores.find(resource.code, on: req.db)
        let state = try Objections.state(req.query[String.self, at: "state"])
        let box: Objections.Box = req.can(.resolveObjection, department: store.departmentCode) ? .provider : .mine
        let rows = try await Objections.list(req, box: user.role == .platformAdmin ? .all : box, state: state, resource: store.resourceCode)
        return ListPage(items: rows.map(ObjectionInfo.init))
    }

    /// `?box=mine` (raised by my department), `provider` (on my department's resources) or both; `?state=`.
    func list(req: Request) async throws -> ListPage<ObjectionInfo> {
        let boxText = req.query[String.self, at: "box"] ?? "all"
        guard let box = Objections.Box(rawValue: boxText) else {
            throw AppError.field(.badRequest, "invalid_box", "box", zh: "box 为 all、mine 或 provider", en: "box is all, mine or provider")
        }
        let rows = try await Objections.list(req, box: box, state: try Objections.state(req.query[String.self, at: "state"]))
        return ListPage(items: rows.map(ObjectionInfo.init))
    }

    func show(req: Request) async throws -> ObjectionInfo {
        ObjectionInfo(try await Objections.find(req.parameters.get("id", as: UUID.self), req: req))
    }

    /// Open and settled counts of a resource (public inside government, like its grants).
    func counts(req: Request) async throws -> ObjectionCounts {
        _ = try req.requireUser()
        // 404 exactly as for an unknown code when the resource is hidden from the caller.
        let resource = try await CatalogService(req: req).visible(code: try req.parameters.require("code"))
        let store = try await RecordStores.find(resource.code, on: req.db)
        return try await Objections.counts(resource: store.resourceCode, on: req.db)
    }

    struct Acceptance: Content, BoundedText {
        var value: String?; var column: String?; var note: String?
        var boundedFields: [(field: String, value: String?, max: Int)] { [("value", value, TextLimit.note), ("column", column, 64), ("note", note, TextLimit.note)] }
    }
    struct Rejection: Content, BoundedText {
        var reason: String?
        var boundedFields: [(field: String, value: String?, max: Int)] { [("reason", reason, TextLimit.note)] }
    }
    struct Withdrawal: Content, BoundedText {
        var note: String?
        var boundedFields: [(field: String, value: String?, max: Int)] { [("note", note, TextLimit.note)] }
    }

    func accept(req: Request) async throws -> ObjectionInfo {
        let body = try Self.decode(Acceptance.self, req) ?? Acceptance()
        return ObjectionInfo(try await Objections.accept(req.parameters.get("id", as: UUID.self), value: body.value, column: body.column,
                                                         note: body.note, req: req))
    }

    func reject(req: Request) async throws -> ObjectionInfo {
        let body = try Self.decode(Rejection.self, req)
        return ObjectionInfo(try await Objections.reject(req.parameters.get("id", as: UUID.self), reason: body?.reason, req: req))
    }

    func withdraw(req: Request) async throws -> ObjectionInfo {
        let body = try Self.decode(Withdrawal.self, req)
        return ObjectionInfo(try await Objections.withdraw(req.parameters.get("id", as: UUID.self), note: body?.note, req: req))
    }

    /// The body, or nil when there is none (settling needs no body unless it says something).
    static func decode<T: Content>(_ type: T.Type, _ req: Request) throws -> T? {
        try req.decodeOptionalBody(T.self)
    }
}
