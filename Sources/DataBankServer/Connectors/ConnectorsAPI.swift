import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `/api/v1/connectors`: create, list, show, change, delete, test (the first rows from the source,
/// nothing saved), run now and the run history. Who may is the table's `manageConnectors` /
/// `readConnectors` for the resource's provider department; a connector another department's user
/// may not read answers as unknown.
struct ConnectorsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let c = routes.grouped("connectors")
        c.get(use: Self.list).gate(.action(.readConnectors))
        c.post(use: Self.create).gate(.action(.manageConnectors))
        c.post("test", use: Self.testDraft).gate(.action(.manageConnectors))
        c.get(":connector", use: Self.show).gate(.action(.readConnectors))
        c.put(":connector", use: Self.update).gate(.action(.manageConnectors))
        c.delete(":connector", use: Self.remove).gate(.action(.manageConnectors))
        c.post(":connector", "test", use: Self.testSaved).gate(.action(.manageConnectors))
        c.post(":connector", "run", use: Self.runNow).gate(.action(.manageConnectors))
        c.get(":connector", "runs", use: Self.runs).gate(.action(.readConnectors))
    }

    static func list(req: Request) async throws -> ListPage<ConnectorInfo> {
        var query = ConnectorRow.query(on: req.db).sort(\.$code)
        switch Authorization.reach(req.actor, .readConnectors) {
        case .all: break
        case .own(let department): query = query.filter(\.$departmentCode == department)
        case .none: try req.authorize(.readConnectors)
        }
        if let resource = req.queryValue("resource") { query = query.filter(\.$resourceCode == resource) }
        let now = req.application.settings.now()
        let items = try await query.all().map { try ConnectorInfo($0, now: now) }
        return ListPage(items: items)
    }

    /// The connector named in the path, when the caller may read it (else 404, as for an unknown code).
    static func find(_ req: Request, _ action: CatalogAction) async throws -> ConnectorRow {
        let code = try req.parameters.require("connector")
        guard let row = try await ConnectorRow.query(on: req.db).filter(\.$code == code).first(),
            req.can(.readConnectors, department: row.departmentCode)
        else { throw AppError.notFound("Connector \(code)") }
        try req.authorize(action, department: row.departmentCode)
        return row
    }

    static func show(req: Request) async throws -> ConnectorInfo {
        try ConnectorInfo(try await find(req, .readConnectors), now: req.application.settings.now())
    }

    static func create(req: Request) async throws -> Response {
        let body = try req.content.decode(ConnectorBody.self)
        let (code, name, store, draft) = try await checkNew(body, req: req)
        if try await ConnectorRow.query(on: req.db).filter(\.$code == code).first() != nil {
            throw AppError.field(.conflict, "duplicate_code", "code", zh: "已有代码为 \(code) 的连接器", en: "A connector with code \(code) exists")
        }
        let row = ConnectorRow()
        row.code = code; row.name = name; row.resourceCode = store.resourceCode; row.departmentCode = store.departmentCode
        row.ownerName = req.user?.username ?? "unknown"
        row.status = body.status ?? "active"; row.failures = 0
        try await apply(draft, password: body.source?.password, to: row, req: req)
        row.nextRunAt = ConnectorRunner.nextRun(row, after: req.application.settings.now())
        try await row.create(on: req.db)
        try await audit(req, row, "connector.create")
        return try await ConnectorInfo(row, now: req.application.settings.now()).encodeResponse(status: .created, for: req)
    }

    /// A new connector's settings checked (code, name, the resource the caller may manage, the draft),
    /// every problem at once as 422 `invalid_connector`; nothing saved.
    static func checkNew(_ body: ConnectorBody, req: Request) async throws -> (String, String, RecordStoreRow, ConnectorDraft) {
        var problems: [FieldError] = []
        let code = body.code?.trimmingCharacters(in: .whitespaces) ?? ""
        if code.range(of: ConnectorDraft.codePattern, options: .regularExpression) == nil {
            problems.append(
                FieldError(
                    field: "code", code: "invalid_code", message: "代码为 2–40 个小写字母、数字、- 或 _，以字母或数字开头",
                    messageEn: "code is 2–40 lower-case letters, digits, - or _, beginning with a letter or digit"))
        }
        let name = body.name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if name.isEmpty || name.count > 100 {
            problems.append(FieldError(field: "name", code: "required", message: "请填写名称（最多 100 个字符）", messageEn: "name is required (at most 100 characters)"))
        }
        guard let resource = body.resource, !resource.isEmpty else {
            // Without a store the mapping cannot be checked; the schedule can.
            var all = problems + [FieldError(field: "resource", code: "required", message: "请填写资源代码", messageEn: "resource is required")]
            if case .failure(let p) = ConnectorSchedule.parse(body.schedule ?? "") { all.append(p) }
            throw ConnectorDraft.invalid(all)
        }
        let (store, _) = try await StoreReading.forAction(req, .manageConnectors, code: resource)
        let draft: ConnectorDraft
        do {
            draft = try ConnectorDraft.check(body, over: nil, layout: store.recordLayout, department: store.departmentCode, settings: req.application.settings)
        } catch let e as AppError where e.code == "invalid_connector" {
            throw ConnectorDraft.invalid(problems + e.details)
        }
        if !problems.isEmpty { throw ConnectorDraft.invalid(problems) }
        return (code, name, store, draft)
    }

    static func update(req: Request) async throws -> ConnectorInfo {
        let row = try await find(req, .manageConnectors)
        let body = try req.content.decode(ConnectorBody.self)
        if let code = body.code, code != row.code {
            throw AppError.field(.unprocessableEntity, "immutable", "code", zh: "连接器代码不能修改", en: "A connector's code does not change")
        }
        if let resource = body.resource, resource != row.resourceCode {
            throw AppError.field(.unprocessableEntity, "immutable", "resource", zh: "连接器所属资源不能修改", en: "A connector's resource does not change")
        }
        let store = try await RecordStores.find(row.resourceCode, on: req.db)
        let draft = try ConnectorDraft.check(body, over: row, layout: store.recordLayout, department: store.departmentCode, settings: req.application.settings)
        if let name = body.name?.trimmingCharacters(in: .whitespacesAndNewlines) {
            guard !name.isEmpty, name.count <= 100 else {
                throw AppError.field(.unprocessableEntity, "required", "name", zh: "请填写名称（最多 100 个字符）", en: "name is required (at most 100 characters)")
            }
            row.name = name
        }
        let scheduleChanged = draft.schedule != row.schedule
        let modeChanged = draft.mode != row.mode || draft.watermarkColumn != row.watermarkColumn
        try await apply(draft, password: body.source?.password, to: row, req: req)
        // A new watermark column starts from the beginning; the old value means nothing for it.
        if modeChanged { row.watermark = nil; row.watermarkType = nil }
        if let status = body.status {
            if status == "active" && row.status == "paused" {
                row.failures = 0; row.nextRunAt = req.application.settings.now()
            }
            row.status = status
        }
        if scheduleChanged { row.nextRunAt = ConnectorRunner.nextRun(row, after: req.application.settings.now()) }
        try await row.save(on: req.db)
        try await audit(req, row, "connector.update")
        return try ConnectorInfo(row, now: req.application.settings.now())
    }

    static func remove(req: Request) async throws -> HTTPStatus {
        let row = try await find(req, .manageConnectors)
        let now = req.application.settings.now()
        if (row.leaseUntil ?? .distantPast) > now {
            throw AppError(.conflict, "connector_running", "The connector is running; delete it when the run has finished")
        }
        try await ConnectorRunRow.query(on: req.db).filter(\.$connectorID == row.requireID()).delete()
        try await row.delete(on: req.db)
        try await audit(req, row, "connector.delete")
        return .noContent
    }

    /// Seals a new password (an empty one removes the secret) and writes the checked settings.
    static func apply(_ draft: ConnectorDraft, password: String?, to row: ConnectorRow, req: Request) async throws {
        if let password {
            if password.isEmpty {
                row.secret = nil
            } else {
                guard password.utf8.count <= 1024 else {
                    throw AppError.field(.unprocessableEntity, "too_long", "source.password", zh: "密码最多 1024 字节", en: "source.password is at most 1024 bytes")
                }
                row.secret = ConnectorSecrets.seal(password, code: row.code, key: try await ConnectorSecrets.key(app: req.application, on: req.db))
            }
        }
        if !ConnectorSource.withSecret.contains(draft.source.kind) { row.secret = nil }
        row.sourceKind = draft.source.kind; row.source = draft.sourceJSON; row.mapping = draft.mappingJSON
        row.schedule = draft.schedule; row.mode = draft.mode; row.watermarkColumn = draft.watermarkColumn; row.maxFailures = draft.maxFailures
    }

    static func audit(_ req: Request, _ row: ConnectorRow, _ operation: String) async throws {
        _ = try await AuditLog.append(
            .of(req), resource: row.resourceCode, operation: operation, fields: [], count: 0, purpose: nil, requestID: req.id,
            requestHash: nil, on: req.db, trail: req.application.auditTrail)
    }

    // MARK: Test, run, history

    /// The first rows the source gives (mapped to the store's items), before anything is saved.
    static func testDraft(req: Request) async throws -> Response {
        let body = try req.content.decode(ConnectorBody.self)
        guard let resource = body.resource, !resource.isEmpty else {
            throw ConnectorDraft.invalid([FieldError(field: "resource", code: "required", message: "请填写资源代码", messageEn: "resource is required")])
        }
        let (store, _) = try await StoreReading.forAction(req, .manageConnectors, code: resource)
        let draft = try ConnectorDraft.check(body, over: nil, layout: store.recordLayout, department: store.departmentCode, settings: req.application.settings)
        return try await preview(draft, password: body.source?.password, req: req)
    }

    static func testSaved(req: Request) async throws -> Response {
        let row = try await find(req, .manageConnectors)
        let store = try await RecordStores.find(row.resourceCode, on: req.db)
        let draft = try ConnectorDraft.check(
            ConnectorBody(), over: row, layout: store.recordLayout, department: store.departmentCode, settings: req.application.settings)
        var password: String?
        if let sealed = row.secret {
            password = try ConnectorSecrets.open(sealed, code: row.code, key: try await ConnectorSecrets.key(app: req.application, on: req.db))
        }
        return try await preview(draft, password: password, req: req)
    }

    static let previewRows = 10

    static func preview(_ draft: ConnectorDraft, password: String?, req: Request) async throws -> Response {
        let app = req.application
        var body: String
        if draft.source.kind == "folder" {
            let folder = FolderSource(path: try ConnectorPaths.resolve(draft.source.path, root: app.settings.connectorRoot, department: draft.department))
            let files = try folder.pending()
            body = "{\"files\":" + JSONText.encode(files)
            // The first delimited file's first rows, read as a run would read them (encoding, header, mapping).
            if let first = files.first, let format = draft.source.format ?? FolderSource.format(of: first), ["csv", "tsv"].contains(format) {
                let encoding = draft.source.encoding.flatMap { $0 == "auto" ? nil : TextEncoding(rawValue: $0) }
                let preview = try folder.preview(
                    first, delimiter: format == "tsv" ? 0x09 : UInt8(ascii: ","), encoding: encoding, layout: draft.layout,
                    mapping: draft.mapping, rows: previewRows)
                body += ",\"file\":" + JSONText.encode(first) + ",\"encoding\":" + JSONText.encode(preview.encoding)
                body += ",\"rows\":" + JSONText.encode(preview.rows) + ",\"count\":\(preview.rows.count)"
            }
            body += "}"
        } else {
            let read = SourceRead(
                table: draft.source.table, query: draft.source.query, mapping: draft.mapping,
                watermarkColumn: draft.mode == "incremental" ? draft.watermarkColumn : nil, after: nil, pageSize: previewRows,
                limit: previewRows)
            let reader = try ConnectorSources.reader(draft.source, password: password, department: draft.department, app: app)
            var lines: [String] = []
            try await reader(read) { page in
                lines += page.jsonLines
            }
            body = "{\"rows\":[" + lines.prefix(previewRows).joined(separator: ",") + "],\"count\":\(min(lines.count, previewRows))}"
        }
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(string: body))
    }

    static func runNow(req: Request) async throws -> ConnectorRunRow {
        let row = try await find(req, .manageConnectors)
        guard let token = try await ConnectorRunner.lease(try row.requireID(), now: req.application.settings.now(), on: req.db) else {
            throw AppError(.conflict, "connector_running", "The connector is running now (here or on another instance); try again when it has finished")
        }
        return try await ConnectorRunner.run(try row.requireID(), token: token, trigger: "manual", app: req.application)
    }

    static func runs(req: Request) async throws -> ListPage<ConnectorRunRow> {
        let row = try await find(req, .readConnectors)
        let limit = min(max(Int(req.queryValue("limit") ?? "") ?? 50, 1), 500)
        let runs = try await ConnectorRunRow.query(on: req.db).filter(\.$connectorID == row.requireID())
            .sort(\.$startedAt, .descending).limit(limit).all()
        let total = try await ConnectorRunRow.query(on: req.db).filter(\.$connectorID == row.requireID()).count()
        return ListPage(items: runs, total: total)
    }
}
