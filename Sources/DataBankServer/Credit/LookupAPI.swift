import Fluent
import Vapor
import DataBankCore

/// `/api/v1/lookups…`: the provider (or the data authority) defines look-up services on its open
/// datasets; `/api/v1/open/lookups…` and `/api/v1/open/credit/{creditCode}`: anyone looks up,
/// rate-limited per address (``LookupThrottle``) and counted per service.
enum LookupAPI {
    struct NewService: Content, BoundedText {
        var code: String; var resourceCode: String; var keyItems: [String]; var match: String; var returnedItems: [String]
        var name: String; var nameEn: String?
        var boundedFields: [(field: String, value: String?, max: Int)] {
            [("code", code, 40), ("resourceCode", resourceCode, 64), ("name", name, TextLimit.name), ("nameEn", nameEn, TextLimit.name)]
        }
    }

    /// `POST /api/v1/lookups`: 201 with the service; 404 for a dataset the portal does not open to
    /// anyone, 403 for another department's, 422 naming each field at fault, 409 for a used code.
    static func define(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let body = try req.decodeBody(NewService.self)
        guard let resource = try await OpenCatalog.dataset(body.resourceCode, on: req.db) else {
            throw AppError.field(
                .notFound, "unknown_resource", "resourceCode", zh: "开放平台上没有此数据集：\(body.resourceCode)", en: "No open dataset \(body.resourceCode)")
        }
        try AuthorizationGate.authorize(user.actor, .manageLookupServices, department: resource.departmentCode)
        guard resource.openType == OpenType.unconditional.rawValue else {
            throw AppError.field(
                .unprocessableEntity, "not_open", "resourceCode", zh: "只有无条件开放的数据集可提供公示查询", en: "Only a dataset open to anyone (无条件开放) may be looked up")
        }
        let store = try await RecordStores.find(resource.code, on: req.db)
        guard let match = LookupMatch(rawValue: body.match) else {
            throw AppError.field(.unprocessableEntity, "invalid_match", "match", zh: "匹配方式为 exact、prefix 或 partial", en: "match is exact, prefix or partial")
        }
        let d = LookupDefinition(
            code: body.code, resourceCode: resource.code, keyItems: body.keyItems, match: match, returnedItems: body.returnedItems,
            name: body.name, nameEn: body.nameEn)
        let layout = store.recordLayout
        var problems = d.problems(columns: layout.columns.map(\.name))
        // A key compared in clear would let anyone probe what the portal masks.
        let masks = try await GrantAccess.defaultMasks(resource: resource, on: req.db)
        for (i, item) in d.keyItems.enumerated() where (masks[item] ?? .clear) != .clear {
            problems.append(
                FieldError(
                    field: "keyItems[\(i)]", code: "masked_key", message: "开放平台对该数据项脱敏，不能作为检索项：\(item)",
                    messageEn: "The portal masks \(item); it cannot be a key item"))
        }
        if !problems.isEmpty { throw AppError.validation(problems) }
        if try await LookupServiceRow.find(d.code, on: req.db) != nil {
            throw AppError.field(.conflict, "duplicate_code", "code", zh: "服务代码已存在", en: "A service with this code exists")
        }
        let row = LookupServiceRow(d, createdBy: user.username)
        try await req.db.transaction { db in
            try await row.create(on: db)
            try await LookupServices.ensureIndexes(d.keyItems, store: store, on: db.sql)
        }
        // One streamed pass over the store, here for a small store, else by the worker (a large
        // store's pass takes minutes; meanwhile the service answers names that start with the text).
        // The change log keeps the index in step from there.
        if match == .partial && store.rowCount <= LookupGrams.buildInRequestLimit {
            try await LookupGrams.build(d.code, items: d.keyItems, store: store, on: req.db)
        }
        return try await row.out.encodeResponse(status: .created, for: req)
    }

    /// `GET /api/v1/lookups`: every service with its query count (for the heat statistics).
    static func list(req: Request) async throws -> [LookupServiceRow.Out] {
        _ = try req.requireUser()
        return try await LookupServiceRow.query(on: req.db).sort(\.$id).all().map(\.out)
    }

    /// `DELETE /api/v1/lookups/{service}`: 204; the provider's or the data authority's.
    static func delete(req: Request) async throws -> HTTPStatus {
        let user = try req.requireUser()
        let s = try await LookupServices.find(try req.parameters.require("service"), on: req.db)
        let department = try await ResourceRow.query(on: req.db).filter(\.$code == s.resourceCode).first()?.departmentCode
        try AuthorizationGate.authorize(user.actor, .manageLookupServices, department: department)
        try await req.db.transaction { db in
            try await s.delete(on: db)
            try await LookupGrams.drop(s.code, on: db.sql)
        }
        return .noContent
    }

    /// `GET /api/v1/open/lookups`: the services anyone may use.
    static func openList(req: Request) async throws -> [LookupServiceRow.Out] {
        try await LookupServiceRow.query(on: req.db).sort(\.$id).all().map { s in
            var out = s.out
            out.queries = 0  // the counts are the platform's statistics, not the public's
            return out
        }
    }

    /// `GET /api/v1/open/lookups/{service}?q=`: the hits, masked as on the portal, with `labels`
    /// (column → code → label) for the values of items bound to a code list.
    static func lookup(req: Request) async throws -> Response {
        let s = try await LookupServices.find(try req.parameters.require("service"), on: req.db)
        let text = try LookupServices.text(req)
        try await LookupThrottle.check(req)
        let found = try await LookupServices.run(s, text: text, req: req)
        let labels = try await LookupServices.codeLabels(found.read, rows: found.rows, on: req.db)
        var body = "{\"service\":" + JSONText.encode(s.code) + ",\"dataset\":" + JSONText.encode(s.resourceCode)
        body += ",\"items\":[" + found.rows.joined(separator: ",") + "],\"labels\":" + JSONText.encode(labels)
        body += ",\"count\":\(found.rows.count),\"limit\":\(LookupServices.limit)}"
        return json(body)
    }

    /// `GET /api/v1/open/credit/{creditCode}`: one enterprise's records by disclosure class, each
    /// class with the `labels` of its code-list values.
    static func enterprise(req: Request) async throws -> Response {
        let creditCode = try req.parameters.require("creditCode")
        let classes = try await LookupServices.enterprise(creditCode, req: req)
        var parts: [String] = []
        for c in classes {
            let labels = try await LookupServices.codeLabels(c.read, rows: c.rows, on: req.db)
            parts.append(
                "{\"service\":" + JSONText.encode(c.service.code) + ",\"name\":" + JSONText.encode(c.service.name) + ",\"nameEn\":"
                    + JSONText.encode(c.service.nameEn) + ",\"dataset\":" + JSONText.encode(c.service.resourceCode) + ",\"items\":["
                    + c.rows.joined(separator: ",") + "],\"labels\":" + JSONText.encode(labels) + "}")
        }
        return json("{\"creditCode\":" + JSONText.encode(creditCode) + ",\"classes\":[" + parts.joined(separator: ",") + "]}")
    }

    static func json(_ body: String) -> Response {
        let response = Response(status: .ok, body: .init(string: body))
        response.headers.replaceOrAdd(name: .contentType, value: "application/json; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
