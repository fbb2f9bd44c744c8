import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Frictionless interoperability over HTTP:
/// - `GET /api/v1/resources/{code}/schema.json`: the resource's Table Schema;
/// - `GET …/datapackage.json`: a Data Package descriptor naming `data/<code>.csv`;
/// - `GET …/datapackage.zip`: that descriptor and the CSV, read from the record store under the
///   reader's grant exactly as the CSV export is (`RecordsAPI.grantedAccess`, masks, audit);
/// - `POST …/schema?mode=check|apply`: compare a Table Schema with the resource, or apply it;
/// - `POST /api/v1/resources/from-tableschema`: register a new draft whose items come from a schema.
struct TableSchemaAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let resource = routes.grouped("resources", ":code")
        resource.get("schema.json", use: schema).gate(.action(.readPublished))
        resource.get("datapackage.json", use: datapackage).gate(.action(.readPublished))
        resource.get("datapackage.zip", use: DataPackageExport.zip).gate(.storeRead)
        resource.on(.POST, "schema", body: .collect(maxSize: "1mb"), use: importSchema).gate(.action(.readPublished))  // mode=check is open; apply authorizes editResource
        routes.on(.POST, "resources", "from-tableschema", body: .collect(maxSize: "1mb"), use: create).gate(.action(.createResource))
    }

    func schema(req: Request) async throws -> Response {
        let (row, snapshot) = try await Self.visibleSnapshot(req)
        let schema = try await Self.schema(of: snapshot, code: row.code, on: req.db)
        return Self.json(schema.json(), filename: "\(DataPackage.name(row.code)).schema.json")
    }

    func datapackage(req: Request) async throws -> Response {
        let (row, snapshot) = try await Self.visibleSnapshot(req)
        let schema = try await Self.schema(of: snapshot, code: row.code, on: req.db)
        return Self.json(DataPackage.descriptor(resource: snapshot, schema: schema), filename: "datapackage.json")
    }

    // MARK: Import

    func importSchema(req: Request) async throws -> Response {
        let parsed = try Self.parse(req)
        switch req.query[String.self, at: "mode"] ?? "check" {
        case "check": return try await TableSchemaImport.check(req, parsed).encodeResponse(for: req)
        case "apply": return try await TableSchemaImport.apply(req, parsed).encodeResponse(for: req)
        default:
            throw AppError.field(.badRequest, "invalid_mode", "mode", zh: "mode 为 check 或 apply", en: "mode is check or apply")
        }
    }

    func create(req: Request) async throws -> Response {
        let result = try await TableSchemaImport.create(req)
        let response = try await result.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/resources/\(result.code)")
        return response
    }

    // MARK: Parts

    /// The snapshot the caller sees: the working one for its own department, else the catalog's.
    static func visibleSnapshot(_ req: Request) async throws -> (ResourceRow, ResourceSnapshot) {
        let service = CatalogService(req: req)
        let row = try await service.visible(code: try req.parameters.require("code"))
        let snapshot = service.canSeeWorking(row) ? try await service.workingSnapshot(row) : row.catalogSnapshot!
        return (row, snapshot)
    }

    /// The Table Schema of a snapshot: its items and standards, and the rules written for the resource.
    static func schema(of snapshot: ResourceSnapshot, code: String, on db: any Database) async throws -> TableSchema {
        let standards = try await standards(Set(snapshot.items.map(\.standardCode)), on: db)
        let written = try await QualityRuleRow.query(on: db).filter(\.$resourceCode == code).sort(\.$createdAt).all().map(\.rule)
        return TableSchema(resource: snapshot, standards: standards, rules: written)
    }

    static func standards(_ codes: Set<String>? = nil, on db: any Database) async throws -> [String: ItemStandard] {
        var query = StandardRow.query(on: db)
        if let codes { query = query.filter(\.$code ~~ Array(codes)) }
        return Dictionary(try await query.all().map { ($0.code, $0.standard) }, uniquingKeysWith: { a, _ in a })
    }

    /// The request body as a Table Schema; refused with every problem and its position.
    static func parse(_ req: Request) throws -> TableSchema {
        guard let body = req.body.data, body.readableBytes > 0 else {
            throw AppError.field(.badRequest, "required", "body", zh: "请以请求体提交 Table Schema（JSON）", en: "Send the Table Schema (JSON) as the request body")
        }
        do { return try TableSchema.parse(Array(body.readableBytesView)) } catch { throw appError(error) }
    }

    static func appError(_ error: TableSchemaError) -> AppError {
        let first = error.problems.first
        let status: HTTPResponseStatus = ["invalid_json", "invalid_encoding", "too_deep"].contains(error.code) ? .badRequest : .unprocessableEntity
        let message = error.problems.count == 1 ? "\(first.map { $0.path.isEmpty ? "" : $0.path + ": " } ?? "")\(error.fieldErrors[0].messageEn)"
                                                : "\(error.problems.count) problems in the Table Schema"
        // One problem answers its own code; several answer `invalid_schema` and list each in details.
        return AppError(status, error.problems.count == 1 ? error.code : "invalid_schema", message, details: error.fieldErrors)
    }

    static func json(_ value: JSONValue, filename: String) -> Response {
        let response = Response(status: .ok, body: .init(string: value.serialized() + "\n"))
        response.headers.replaceOrAdd(name: .contentType, value: "application/json; charset=utf-8")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"\(filename)\"")
        return response
    }
}
