import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Verification services: status data instead of precise data. A provider defines a service on
/// a resource; a consumer holding a service grant asks yes/no (or a band, or a category) for
/// one subject or a batch, with a purpose; every call is audited with the number of subjects.
struct VerifyAPI: RouteCollection {
    static let maxBatch = 100_000
    static let chunk = 1_000

    func boot(routes: any RoutesBuilder) throws {
        routes.post("resources", ":code", "services", use: define).gate(.action(.manageVerificationServices))
        routes.get("services", use: list).gate(.open)
        routes.get("services", ":service", use: show).gate(.open)
        routes.post("verify", ":service", use: verify).gate(.signedIn)
        routes.on(.POST, "verify", ":service", "batch", body: .stream, use: batch).gate(.signedIn).streamsBody()
    }

    struct NewService: Content, BoundedText {
        var code: String; var name: String; var nameEn: String?; var spec: VerificationSpec
        var boundedFields: [(field: String, value: String?, max: Int)] {
            [("code", code, 64), ("name", name, TextLimit.name), ("nameEn", nameEn, TextLimit.name)]
        }
    }

    struct ServiceInfo: Content {
        var code: String, name: String, nameEn: String?, resource: String, provider: String, spec: VerificationSpec?
        init(_ s: VerificationServiceRow) {
            code = s.code; name = s.name; nameEn = s.nameEn; resource = s.resourceCode; provider = s.providerCode; spec = s.verificationSpec
        }
    }

    func define(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let (store, _) = try await StoreReading.forAction(req, .manageVerificationServices)
        try AuthorizationGate.authorize(user.actor, .manageVerificationServices, department: store.departmentCode)
        let body = try req.decodeBody(NewService.self)
        guard body.code.range(of: "^[a-z0-9][a-z0-9-]{1,62}$", options: .regularExpression) != nil else {
            throw AppError.field(
                .unprocessableEntity, "invalid_code", "code", zh: "服务代码为小写字母、数字和连字符", en: "code is lower-case letters, digits and hyphens (2–63)")
        }
        let problems = body.spec.problems(layout: store.recordLayout)
        if let first = problems.first { throw AppError(.unprocessableEntity, first.code, problems.map(\.messageEn).joined(separator: "; "), details: problems) }
        if try await VerificationServiceRow.query(on: req.db).filter(\.$code == body.code).first() != nil {
            throw AppError.field(.conflict, "duplicate_code", "code", zh: "服务代码已存在", en: "A service with this code exists")
        }
        let row = VerificationServiceRow()
        row.code = body.code; row.name = body.name; row.nameEn = body.nameEn; row.resourceCode = store.resourceCode
        // Constants are stored in canonical form (`1990/1/2` → `1990-01-02`), as the records are.
        row.providerCode = store.departmentCode; row.spec = JSONText.encode(body.spec.canonicalized(layout: store.recordLayout))
        try await row.create(on: req.db)
        return try await ServiceInfo(row).encodeResponse(status: .created, for: req)
    }

    func list(req: Request) async throws -> ListPage<ServiceInfo> {
        var q = VerificationServiceRow.query(on: req.db).filter(\.$retiredAt == nil)
        if let resource = req.query[String.self, at: "resource"] { q = q.filter(\.$resourceCode == resource) }
        let services = try await q.sort(\.$code).all()
        // Only services of resources the caller may see: a hidden resource's services are not listed.
        let codes = Array(Set(services.map(\.resourceCode)))
        let visible = Set(
            try await ResourceRow.query(on: req.db).filter(\.$code ~~ codes).all()
                .filter { CatalogService.canSee($0, actor: req.actor) }.map(\.code))
        return ListPage(items: services.filter { visible.contains($0.resourceCode) }.map(ServiceInfo.init))
    }

    /// A service of a resource the caller may see (its definition is what an applicant reads).
    func show(req: Request) async throws -> ServiceInfo {
        let row = try await service(req)
        guard let resource = try await ResourceRow.query(on: req.db).filter(\.$code == row.resourceCode).first(),
            CatalogService.canSee(resource, actor: req.actor)
        else { throw AppError.notFound("Verification service \(row.code)") }
        return ServiceInfo(row)
    }

    struct Call: Content, BoundedText {
        var params: [String: String]; var purpose: String?
        var boundedFields: [(field: String, value: String?, max: Int)] { [("purpose", purpose, TextLimit.purpose)] }
    }
    struct Answer: Content { var service: String; var answer: String }

    func verify(req: Request) async throws -> Response {
        let (service, store, spec, purpose) = try await access(req)
        let call = try req.decodeBody(Call.self)
        guard let why = purpose ?? call.purpose.flatMap({ $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }) else {
            throw AppError.field(.badRequest, "purpose_required", "purpose", zh: "核验须说明用途（purpose）", en: "A verification needs a purpose (purpose)")
        }
        let params: [String: String]
        switch spec.checkInput(call.params) {
        case .success(let p): params = p
        case .failure(let e): throw AppError(.badRequest, e.code, e.messageEn, details: [e])
        }
        let answers = try await evaluate([params], spec: spec, store: store, on: req.readSQL)
        let hash = RecordsAPI.requestHash(req)
        try await RecordsAPI.audit(
            req, store, "verify.\(service.code)", fields: Array(spec.usedColumns).sorted(), count: 1,
            purpose: why, hash: hash, subjects: Self.subjects(params.values, req))
        return RecordsAPI.response(JSONText.encode(Answer(service: service.code, answer: answers[0])), type: "application/json; charset=utf-8", hash: hash)
    }

    /// A CSV (header = parameter names) or NDJSON body of up to 100,000 inputs; answers one NDJSON
    /// line per input line: `{"line":n,"answer":"yes"}` or `{"line":n,"error":{…}}`.
    func batch(req: Request) async throws -> Response {
        let (service, store, spec, purpose) = try await access(req)
        let digest = RequestDigest(req)
        let inputs = try await BatchInputs.read(req, digest: digest, max: Self.maxBatch)
        var lines = [String](repeating: "", count: inputs.count)
        var valid: [(index: Int, params: [String: String])] = []
        for (i, input) in inputs.enumerated() {
            switch input.fields.map({ spec.checkInput($0) }) ?? .failure(input.error!) {
            case .success(let p): valid.append((i, p))
            case .failure(let e): lines[i] = "{\"line\":\(input.line),\"error\":" + JSONText.encode(e) + "}"
            }
        }
        let sql = req.readSQL
        for start in stride(from: 0, to: valid.count, by: Self.chunk) {
            let part = Array(valid[start..<min(start + Self.chunk, valid.count)])
            let answers = try await evaluate(part.map(\.params), spec: spec, store: store, on: sql)
            for (k, item) in part.enumerated() {
                lines[item.index] = "{\"line\":\(inputs[item.index].line),\"answer\":" + JSONText.encode(answers[k]) + "}"
            }
        }
        let hash = digest.hex
        try await RecordsAPI.audit(
            req, store, "verify.\(service.code).batch", fields: Array(spec.usedColumns).sorted(), count: valid.count,
            purpose: purpose, hash: hash, subjects: Self.subjects(valid.flatMap(\.params.values), req))
        return RecordsAPI.response(lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n"), type: "application/x-ndjson", hash: hash)
    }

    // MARK: Parts

    /// The keyed hashes of the resident IDs and credit codes a verification asked about (我的数据).
    static func subjects(_ values: some Sequence<String>, _ req: Request) -> SubjectHashes {
        AuditSubjects.hashes(AuditSubjects.keys(among: values, today: req.application.today), trail: req.application.auditTrail)
    }

    func evaluate(_ inputs: [[String: String]], spec: VerificationSpec, store: RecordStoreRow, on sql: any SQLDatabase) async throws -> [String] {
        try await ServiceAccess.evaluate(inputs, spec: spec, store: store, on: sql)
    }

    func service(_ req: Request) async throws -> VerificationServiceRow {
        let code = try req.parameters.require("service")
        guard let row = try await VerificationServiceRow.query(on: req.db).filter(\.$code == code).filter(\.$retiredAt == nil).first() else {
            throw AppError.notFound("Verification service \(code)")
        }
        return row
    }

    /// The caller may use the service, by the one read decision (``ReadAccess``) with the service
    /// grant as the grant: the provider and the data authority, or a consumer with an active service
    /// grant (an app: one bound to it); a hidden resource's service is answered as an unknown one.
    /// A purpose is always required.
    func access(_ req: Request) async throws -> (VerificationServiceRow, RecordStoreRow, VerificationSpec, String?) {
        guard req.user != nil || req.app != nil else { throw AppError(.unauthorized, "unauthenticated", "Sign in or send an API token") }
        try StoreReading.checkPurpose(req)
        let definition = try await ServiceAccess.definition(try req.parameters.require("service"), app: req.application, on: req.db)
        let (service, store, spec) = (definition.service, definition.store, definition.spec)
        switch try await ServiceAccess.decide(definition, actor: req.actor, app: req.app, today: req.application.today, on: req.db) {
        case .full, .grant: break
        case .hidden:
            try await StoreReading.refuse(req, service.resourceCode, "hidden")
            throw AppError.notFound("Verification service \(service.code)")
        case .needsSignIn: throw AppError(.unauthorized, "unauthenticated", "Sign in or send an API token")
        case .noGrant, .openPortal:
            try await StoreReading.refuse(req, service.resourceCode, "no_grant")
            throw AppError(.forbidden, "no_grant", "No active grant for the verification service \(service.code); apply for it first")
        }
        let purpose = (req.query[String.self, at: "purpose"] ?? req.headers.first(name: "X-Purpose"))?.trimmingCharacters(in: .whitespacesAndNewlines)
        if req.url.path.hasSuffix("/batch"), (purpose ?? "").isEmpty {
            throw AppError.field(
                .badRequest, "purpose_required", "purpose", zh: "核验须说明用途（purpose 参数或 X-Purpose 请求头）",
                en: "A verification needs a purpose (purpose= or X-Purpose)")
        }
        return (service, store, spec, purpose?.isEmpty == true ? nil : purpose)
    }
}

/// The lines of a batch: parameters by name, or why the line cannot be read.
enum BatchInputs {
    struct Line { var line: Int; var fields: [String: String]?; var error: FieldError? }

    /// The request's body (at most 64 MB, hashed into `digest` as it arrives) as lines of CSV (a header
    /// of names) or NDJSON (by the content type, or a body starting with `{`); more than `max` refused.
    static func read(_ req: Request, digest: RequestDigest, max: Int) async throws -> [Line] {
        var bytes: [UInt8] = []
        for try await var buffer in req.body {
            let chunk = buffer.readBytes(length: buffer.readableBytes) ?? []
            digest.update(chunk); bytes += chunk
            if bytes.count > 64 * 1_048_576 { throw AppError(.payloadTooLarge, "payload_too_large", "A batch is at most 64 MB") }
        }
        let isJSON = (req.headers.contentType?.subType ?? "").contains("json") || bytes.first == UInt8(ascii: "{")
        let inputs = isJSON ? ndjson(bytes) : try csv(bytes)
        guard inputs.count <= max else {
            throw AppError(.payloadTooLarge, "batch_too_large", "A batch holds at most \(max) inputs (got \(inputs.count))")
        }
        return inputs
    }

    static func ndjson(_ bytes: [UInt8]) -> [Line] {
        var out: [Line] = []
        var number = 0
        for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            let text = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                out.append(
                    Line(
                        line: number,
                        error: FieldError(
                            field: "line \(number)", code: "malformed_json", message: "第 \(number) 行不是 JSON 对象",
                            messageEn: "Line \(number) is not a JSON object")))
                continue
            }
            out.append(Line(line: number, fields: object.mapValues { "\($0)" }))
        }
        return out
    }

    static func csv(_ bytes: [UInt8]) throws -> [Line] {
        var parser = CSVParser(delimiter: UInt8(ascii: ","))
        var header: [String]?
        var out: [Line] = []
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        func take(_ record: CSVRecord) {
            let cells = (0..<record.count).map(record.string)
            guard let names = header else { header = cells.map { $0.trimmingCharacters(in: .whitespaces) }; return }
            if let problem = record.problem {
                out.append(
                    Line(
                        line: record.line,
                        error: FieldError(field: "line \(record.line)", code: problem.code, message: problem.message, messageEn: problem.messageEn)))
            } else if cells.count != names.count {
                out.append(
                    Line(
                        line: record.line,
                        error: FieldError(
                            field: "line \(record.line)", code: "wrong_field_count",
                            message: "第 \(record.line) 行应有 \(names.count) 列", messageEn: "Line \(record.line) should have \(names.count) fields")))
            } else {
                out.append(Line(line: record.line, fields: Dictionary(zip(names, cells), uniquingKeysWith: { a, _ in a })))
            }
        }
        try body.withUnsafeBufferPointer { try parser.feed($0) { take($0) } }
        try parser.finish { take($0) }
        return out
    }
}

/// Verification services recently used, for `ServiceCache.ttl` seconds (a retired or changed
/// service is seen within that time; grants are never cached).
actor ServiceCache {
    struct Entry: @unchecked Sendable {  // rows read only once cached
        var service: VerificationServiceRow
        var store: RecordStoreRow
        var spec: VerificationSpec
        var resource: ResourceRow
    }
    static let ttl: TimeInterval = 10
    private var entries: [String: (Date, Entry)] = [:]

    func get(_ code: String) -> Entry? {
        guard let (at, entry) = entries[code], Date().timeIntervalSince(at) < Self.ttl else { return nil }
        return entry
    }

    func put(_ code: String, _ entry: Entry) {
        if entries.count > 1_000 { entries.removeAll() }
        entries[code] = (Date(), entry)
    }
}

extension Application {
    private struct ServiceCacheKey: StorageKey { typealias Value = ServiceCache }
    var verificationServices: ServiceCache {
        if let cache = storage[ServiceCacheKey.self] { return cache }
        let cache = ServiceCache()
        storage[ServiceCacheKey.self] = cache
        return cache
    }
}
