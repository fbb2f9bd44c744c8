import Vapor
import DataBankCore

/// `GET /api/v1/my/records` and `GET /api/v1/my/accesses`: for a signed-in resident or enterprise only
/// (an identity provider's ID token as Bearer, or the 我的数据 page session).
struct MyDataAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let my = routes.grouped("my")
        my.get("records", use: records).gate(.action(.readOwnData))
        my.get("accesses", use: accesses).gate(.action(.readOwnData))
        my.get("objections", use: objections).gate(.action(.readOwnData))
        my.post("objections", use: raise).gate(.action(.objectToOwnData))
    }

    struct ObjectionList: Content {
        var objections: [MyObjections.Info]
    }

    func objections(req: Request) async throws -> ObjectionList {
        ObjectionList(objections: try await MyObjections.list(try req.requireSubject(.readOwnData), on: req.db))
    }

    /// `POST /api/v1/my/objections` `{"resource", "record", "column"?, "suggested"?, "note"}`: 201 with the objection.
    func raise(req: Request) async throws -> Response {
        let subject = try req.requireSubject(.objectToOwnData)
        let row = try await MyObjections.raise(try req.content.decode(MyObjections.Raise.self), subject, req)
        let list = try await MyObjections.list(subject, on: req.db)
        return try await (list.first { $0.id == row.id } ?? list[0]).encodeResponse(status: .created, for: req)
    }

    func records(req: Request) async throws -> MyRecords.Answer {
        try await MyRecords.gather(try req.requireSubject(.readOwnData), req)
    }

    struct Accesses: Content {
        var accesses: [AuditSubjects.Access]
    }

    func accesses(req: Request) async throws -> Accesses {
        let limit = min(max(req.query[Int.self, at: "limit"] ?? 200, 1), 1_000)
        return Accesses(accesses: try await MyRecords.accesses(try req.requireSubject(.readOwnData), req, limit: limit))
    }
}
