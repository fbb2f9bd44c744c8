import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The data bus over HTTP: load, query, read one, delete, follow changes, see what was refused.
/// Every call is load → authorize → validate → act → audit, and answers `X-Request-Hash`.
struct RecordsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let resource = routes.grouped("resources", ":code")
        resource.on(.POST, "records", body: .stream, use: load).gate(.action(.writeRecords)).streamsBody()
        resource.get("records", use: query).gate(.storeRead)
        resource.get("records", ":key", use: one).gate(.storeRead)
        resource.delete("records", ":key", use: delete).gate(.action(.writeRecords))
        resource.get("changes", use: changes).gate(.storeRead)
        resource.get("quarantine", use: quarantine).gate(.action(.readLoads))
        resource.get("loads", use: loads).gate(.action(.readLoads))
    }

    // MARK: Access

    /// Loads the store for a provider's action (writes, the quarantine, loads): 404 as for an unknown
    /// code when the caller may not see the resource, then the authorization table.
    static func access(_ req: Request, _ action: CatalogAction) async throws -> (RecordStoreRow, purpose: String?) {
        let (store, _) = try await StoreReading.forAction(req, action)
        return (store, StoreReading.statedPurpose(req))
    }

    /// The store and what the caller may read of it, from the one read decision (``StoreReading``):
    /// `view` is nil when they read everything in clear, else the grant's or the open portal's view.
    static func grantedAccess(_ req: Request) async throws -> (store: RecordStoreRow, purpose: String?, view: GrantView?) {
        let read = try await StoreReading.read(req)
        return (read.store, read.purpose, read.view)
    }

    static func requestHash(_ req: Request) -> String { RequestDigest(req).hex }

    @discardableResult
    static func audit(
        _ req: Request, _ store: RecordStoreRow, _ operation: String, fields: [String], count: Int,
        purpose: String?, hash: String, subjects: SubjectHashes = SubjectHashes()
    ) async throws -> AuditEntry {
        try await AuditLog.append(
            .of(req), resource: store.resourceCode, operation: operation, fields: fields, count: count,
            purpose: purpose, requestID: req.id, requestHash: hash, subjects: subjects, on: req.database, trail: req.application.auditTrail)
    }

    // MARK: Load

    func load(req: Request) async throws -> Response {
        let (store, purpose) = try await Self.access(req, .writeRecords)
        let mode =
            try req.query[String.self, at: "mode"].map { m in
                guard let mode = LoadMode(rawValue: m) else {
                    throw AppError.field(.badRequest, "invalid_mode", "mode", zh: "载入方式为 append、upsert 或 replace", en: "mode is append, upsert or replace")
                }
                return mode
            } ?? .upsert
        guard
            let format = try req.query[String.self, at: "format"].map({ f in
                guard let format = IngestFormat(rawValue: f) else {
                    throw AppError.field(.badRequest, "invalid_format", "format", zh: "格式为 csv、tsv、json 或 ndjson", en: "format is csv, tsv, json or ndjson")
                }
                return format
            }) ?? IngestFormat.guess(contentType: req.headers.first(name: .contentType))
        else {
            throw AppError.field(
                .unsupportedMediaType, "unsupported_media_type", "Content-Type",
                zh: "请以 text/csv、text/tab-separated-values、application/json 或 application/x-ndjson 提交，或用 format= 指明",
                en: "Send text/csv, text/tab-separated-values, application/json or application/x-ndjson, or name format=")
        }
        let encoding = try req.query[String.self, at: "encoding"].flatMap { e -> TextEncoding? in
            if e == "auto" { return nil }
            guard let enc = TextEncoding(rawValue: e.lowercased()) else {
                throw AppError.field(.badRequest, "invalid_encoding", "encoding", zh: "编码为 auto、utf-8 或 gb18030", en: "encoding is auto, utf-8 or gb18030")
            }
            return enc
        }
        let digest = RequestDigest(req)
        let body = req.body
        let compressed = try BodyInflater.encoding(req.headers) != nil
        let inflateLimits = req.application.settings.inflateLimits
        let summary = try await Loads.run(
            store: store, mode: mode, format: format, encoding: encoding, source: "http",
            who: .of(req), on: req.db, today: req.application.today
        ) { ingest in
            // Inside the load: a corrupt or exploding body is recorded as the load's failure, with its reason.
            let inflater: BodyInflater? = try compressed ? BodyInflater(limits: inflateLimits) : nil
            for try await var buffer in body {
                let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
                digest.update(bytes)
                try await ingest.feed(try inflater?.inflate(bytes) ?? bytes)
            }
            try inflater?.finish()
        }
        req.application.profileScheduler.afterLoad(store.resourceCode)
        let hash = digest.hex
        try await Self.audit(
            req, store, "load.\(mode.rawValue)", fields: store.recordLayout.columns.map(\.name),
            count: summary.inserted + summary.updated, purpose: purpose, hash: hash)
        let response = try await summary.encodeResponse(status: summary.rejected > 0 ? .multiStatus : .ok, for: req)
        response.headers.replaceOrAdd(name: "X-Request-Hash", value: hash)
        return response
    }

    // MARK: Reads

    func query(req: Request) async throws -> Response {
        let (store, purpose, view) = try await Self.grantedAccess(req)
        let params = Self.queryPairs(req)
        let q = try RecordQuery(
            store: store, params: params, fields: req.query[String.self, at: "fields"], sort: req.query[String.self, at: "sort"], view: view
        ).recordingSubjects(of: store)
        let sealing = try await CursorSeal.key(app: req.application, on: req.db)
        let binding = CursorSeal.Binding(store: store.resourceCode, order: q.order.map(\.name), req: req, grant: view?.grantID)
        let cursor = try req.query[String.self, at: "after"].map { try CursorSeal.open($0, binding, key: sealing) }
        let limitText = req.query[String.self, at: "limit"]
        let all = limitText == "all"
        let limit: Int =
            try limitText.map { text in
                if text == "all" { return Int.max }
                guard let n = Int(text), n >= 1, n <= RecordQuery.maxPage else {
                    throw AppError.field(
                        .badRequest, "invalid_limit", "limit", zh: "limit 为 1–\(RecordQuery.maxPage) 或 all", en: "limit is 1 to \(RecordQuery.maxPage), or all")
                }
                return n
            } ?? 100
        let format = req.query[String.self, at: "format"] ?? Self.formatFromAccept(req)
        guard ["json", "ndjson", "csv"].contains(format) else {
            throw AppError.field(.badRequest, "invalid_format", "format", zh: "格式为 json、ndjson 或 csv", en: "format is json, ndjson or csv")
        }
        let sql = req.readSQL
        let hash = Self.requestHash(req)
        let fields = q.fields.map(\.name)
        let total = try await req.application.totalCache.total(store: store, signature: q.signature) { try await q.count(on: sql) }

        if format == "json" && !all {
            let page = try await q.pageWithSubjects(after: cursor, limit: limit, on: sql)
            try await Self.audit(
                req, store, "query", fields: fields, count: page.rows.count, purpose: purpose, hash: hash,
                subjects: AuditSubjects.hashes(page.subjects, trail: req.application.auditTrail))
            var body = "{\"items\":[" + page.rows.joined(separator: ",") + "],\"total\":\(total),\"next\":"
            body += page.next.map { "\"\(CursorSeal.seal($0, binding, key: sealing))\"" } ?? "null"
            body += ",\"fields\":" + JSONText.encode(fields) + "}"
            return Self.response(body, type: "application/json; charset=utf-8", hash: hash)
        }
        // Exports stream page by page (keyset), so memory stays flat for any number of rows; a subject-visible
        // store's pages record whom they sent under the export's entry, each before it goes out.
        let entry = try await Self.audit(req, store, "export.\(format)", fields: fields, count: min(total, limit), purpose: purpose, hash: hash)
        let subjects = q.subjectColumn == nil ? nil : AuditSubjects.Export(seq: entry.seq, trail: req.application.auditTrail, db: req.db)
        let response = Response(status: .ok)
        response.headers.replaceOrAdd(
            name: .contentType,
            value: format == "csv"
                ? "text/csv; charset=utf-8"
                : format == "ndjson" ? "application/x-ndjson" : "application/json; charset=utf-8")
        response.headers.replaceOrAdd(name: "X-Request-Hash", value: hash)
        response.headers.replaceOrAdd(name: "X-Total-Count", value: String(total))
        let chunk = 5_000
        response.body = .init(asyncStream: { writer in
            do {
                var after = cursor
                var sent = 0
                var first = true
                if format == "csv" {
                    try await writer.write(.buffer(ByteBuffer(string: "\u{FEFF}" + CSVText.line(fields))))
                } else if format == "json" {
                    try await writer.write(.buffer(ByteBuffer(string: "{\"total\":\(total),\"fields\":\(JSONText.encode(fields)),\"items\":[")))
                }
                while sent < limit {
                    let size = min(chunk, limit - sent)
                    var text = ""
                    let next: [String]?
                    if format == "csv" {
                        let page = try await q.csvPage(after: after, limit: size, on: sql)
                        try await subjects?.record(page.subjects)
                        for row in page.rows { CSVText.append(row, to: &text) }
                        sent += page.rows.count; next = page.next
                    } else {
                        let page = try await q.pageWithSubjects(after: after, limit: size, on: sql)
                        try await subjects?.record(page.subjects)
                        for row in page.rows {
                            if format == "json" { if !first { text += "," }; first = false; text += row } else { text += row + "\n" }
                        }
                        sent += page.rows.count; next = page.next
                    }
                    if !text.isEmpty { try await writer.write(.buffer(ByteBuffer(string: text))) }
                    guard let next else { break }
                    after = next
                }
                if format == "json" { try await writer.write(.buffer(ByteBuffer(string: "]}"))) }
                try await writer.write(.end)
            } catch {
                try? await writer.write(.error(error))
            }
        })
        return response
    }

    func one(req: Request) async throws -> Response {
        let (store, purpose, view) = try await Self.grantedAccess(req)
        let keyText = try req.parameters.require("key")
        let layout = store.recordLayout
        let values = Self.splitKey(keyText, count: layout.keyColumns.count)
        guard values.count == layout.keyColumns.count else {
            throw AppError.field(
                .badRequest, "invalid_key", "key", zh: "主键需要 \(layout.keyColumns.count) 个值，以逗号分隔",
                en: "The key has \(layout.keyColumns.count) parts, comma-separated: \(layout.keyNames.joined(separator: ","))")
        }
        let params = zip(layout.keyColumns, values).map { ($0.name, $1) }
        let q = try RecordQuery(store: store, params: params, fields: req.queryValue("fields"), sort: nil, view: view, keyLookup: true)
            .recordingSubjects(of: store)
        let page = try await q.pageWithSubjects(after: nil, limit: 1, on: req.readSQL)
        let hash = Self.requestHash(req)
        try await Self.audit(
            req, store, "read", fields: q.fields.map(\.name), count: page.rows.count, purpose: purpose, hash: hash,
            subjects: AuditSubjects.hashes(page.subjects, trail: req.application.auditTrail))
        guard let row = page.rows.first else { throw AppError.notFound("Record \(keyText) of \(store.resourceCode)") }
        return Self.response(row, type: "application/json; charset=utf-8", hash: hash)
    }

    func delete(req: Request) async throws -> Response {
        let (store, purpose) = try await Self.access(req, .writeRecords)
        let keyText = try req.parameters.require("key")
        let layout = store.recordLayout
        let values = Self.splitKey(keyText, count: layout.keyColumns.count)
        guard values.count == layout.keyColumns.count else {
            throw AppError.field(
                .badRequest, "invalid_key", "key", zh: "主键需要 \(layout.keyColumns.count) 个值", en: "The key has \(layout.keyColumns.count) parts")
        }
        var canonical: [String: String] = [:]
        for (c, v) in zip(layout.keyColumns, values) {
            var out: [UInt8] = []
            if let p = FieldConverter.appendJSON(v, as: c, to: &out) {
                throw AppError.field(.badRequest, "invalid_key", c.name, zh: p.message, en: p.messageEn)
            }
            canonical[c.name] = RecordFilter.canonicalText(out)
        }
        let writer = try RecordWriter(store: store, mode: .upsert, loadID: UUID())
        let deleted = try await writer.delete(keys: [canonical], on: req.db)
        let hash = Self.requestHash(req)
        try await Self.audit(req, store, "delete", fields: layout.keyNames, count: deleted, purpose: purpose, hash: hash)
        guard deleted > 0 else { throw AppError.notFound("Record \(keyText) of \(store.resourceCode)") }
        let response = Response(status: .noContent)
        response.headers.replaceOrAdd(name: "X-Request-Hash", value: hash)
        return response
    }

    // MARK: Change feed

    func changes(req: Request) async throws -> Response {
        let (store, purpose, view) = try await Self.grantedAccess(req)
        let after = try FeedAPI.position(req.query[String.self, at: "after"], field: "after") ?? 0
        let limit =
            try req.query[String.self, at: "limit"].map { text in
                guard let n = Int(text), (1...RecordQuery.maxPage).contains(n) else {
                    throw AppError.field(
                        .badRequest, "invalid_limit", "limit", zh: "limit 为 1–\(RecordQuery.maxPage)", en: "limit is 1 to \(RecordQuery.maxPage)")
                }
                return n
            } ?? 1_000
        let sql = req.db.sql
        let feed =
            if let view { try await ConsumerFeed.page(store: store, view: view, after: after, limit: limit, today: req.application.today, on: sql) } else {
                try await ChangeFeed.page(store: store, after: after, limit: limit, on: sql)
            }
        let hash = Self.requestHash(req)
        let subjects = try await AuditSubjects.hashesOfChanges(
            store, after: after, through: feed.next, view: view, today: req.application.today, trail: req.application.auditTrail, on: sql)
        try await Self.audit(
            req, store, "changes", fields: (view?.columns ?? store.recordLayout.columns).map(\.name), count: feed.count, purpose: purpose, hash: hash,
            subjects: subjects)
        return Self.response(feed.json, type: "application/json; charset=utf-8", hash: hash)
    }

    // MARK: Quarantine and loads

    func quarantine(req: Request) async throws -> ListPage<QuarantineItem> {
        let store = try await Self.loadsAccess(req, "quarantine.read")
        var q = QuarantineRow.query(on: req.db).filter(\.$resourceCode == store.resourceCode)
        if let load = req.query[UUID.self, at: "load"] { q = q.filter(\.$loadID == load) }
        if let status = req.query[String.self, at: "status"] { q = q.filter(\.$status == status) }
        let total = try await q.count()
        let (limit, offset) = try ListPaging.parse(req, defaultLimit: 100, maxLimit: 1_000)
        let rows = try await q.sort(\.$createdAt, .descending).sort(\.$rowNumber).range(offset..<offset + limit).all()
        return ListPage(items: rows.map(QuarantineItem.init), total: total)
    }

    func loads(req: Request) async throws -> ListPage<LoadItem> {
        let store = try await Self.loadsAccess(req, "loads.read")
        let q = LoadRow.query(on: req.db).filter(\.$resourceCode == store.resourceCode)
        let total = try await q.count()
        let rows = try await q.sort(\.$startedAt, .descending).range(0..<100).all()
        return ListPage(items: rows.map(LoadItem.init), total: total)
    }

    /// The provider's loads and refused rows; the data authority reads them with a purpose, audited.
    static func loadsAccess(_ req: Request, _ operation: String) async throws -> RecordStoreRow {
        let (store, _) = try await StoreReading.forAction(req, .readLoads)
        guard req.user?.departmentCode != store.departmentCode else { return store }
        guard let purpose = StoreReading.statedPurpose(req) else {
            try await StoreReading.refuse(req, store.resourceCode, "purpose_required")
            throw AppError.field(
                .badRequest, "purpose_required", "purpose", zh: "查看其他部门的载入记录须说明用途（purpose 参数或 X-Purpose 请求头）",
                en: "Reading another department's loads needs a purpose (purpose= or X-Purpose)")
        }
        try await AuditLog.append(
            .of(req), resource: store.resourceCode, operation: operation, fields: [], count: 0, purpose: purpose,
            requestID: req.id, requestHash: requestHash(req), on: req.db, trail: req.application.auditTrail)
        return store
    }

    // MARK: Helpers

    static func queryPairs(_ req: Request) -> [(String, String)] {
        (req.url.query ?? "").split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            guard let name = parts.first, !name.isEmpty else { return nil }
            return (name, parts.count > 1 ? parts[1] : "")
        }
    }

    static func formatFromAccept(_ req: Request) -> String {
        let accept = req.headers.first(name: .accept) ?? ""
        if accept.contains("text/csv") { return "csv" }
        if accept.contains("ndjson") { return "ndjson" }
        return "json"
    }

    static func splitKey(_ text: String, count: Int) -> [String] {
        count <= 1 ? [text] : text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    static func response(_ body: String, type: String, hash: String) -> Response {
        let response = Response(status: .ok, body: .init(string: body))
        response.headers.replaceOrAdd(name: .contentType, value: type)
        response.headers.replaceOrAdd(name: "X-Request-Hash", value: hash)
        return response
    }
}
