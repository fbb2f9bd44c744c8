import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Following a resource: webhook subscriptions, the live Server-Sent Events feed, a stream's
/// latest-per-key view and retention window, and the exchange statistics.
struct FeedAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let resource = routes.grouped("resources", ":code")
        resource.get("changes", "stream", use: stream).gate(.storeRead)
        resource.get("latest", use: latest).gate(.storeRead)
        resource.patch("store", use: updateStore).gate(.action(.writeRecords))
        resource.get("subscriptions", use: list).gate(.signedIn)
        resource.post("subscriptions", use: create).gate(.signedIn)
        routes.get("subscriptions", ":id", use: show).gate(.signedIn)
        routes.post("subscriptions", ":id", "resume", use: resume).gate(.signedIn)
        routes.delete("subscriptions", ":id", use: remove).gate(.signedIn)
        routes.get("stats", "exchange", use: stats).gate(.action(.readAudit))
    }

    // MARK: Server-Sent Events

    /// `GET …/changes/stream?after=SEQ` (or `Last-Event-ID`): every change from the cursor on,
    /// as `event: change` with `id: seq`, then new ones as they commit; a comment every 2 s keeps
    /// proxies from closing the connection and shows soon when the client has gone. Each batch sent is audited.
    func stream(req: Request) async throws -> Response {
        let (store, purpose, view) = try await RecordsAPI.grantedAccess(req)
        let start =
            try Self.position(req.headers.first(name: "Last-Event-ID"), field: "Last-Event-ID")
            ?? Self.position(req.query[String.self, at: "after"], field: "after") ?? 0
        let who = AuditLog.Who.of(req)
        let db = req.db
        let application = req.application
        let requestID = req.id
        let hash = RecordsAPI.requestHash(req)
        let fields = (view?.columns ?? store.recordLayout.columns).map(\.name)
        // A grant is looked up again each batch; the open portal's view has no grant to revoke.
        let grantID = view?.grantID == StoreReading.openPortalGrant ? nil : view?.grantID
        let fixedView = grantID == nil ? view : nil
        let credential = StreamCredential.of(req)
        // The read decision is taken again every few seconds: a change of role or department, a
        // withdrawn or newly classified resource, ends the stream as a revoked grant does.
        let decided = view == nil ? ReadAccess.full : grantID == nil ? .openPortal : .grant
        let reader = StoreReading.Reader(userID: req.user?.id, app: req.app)
        let response = Response.eventStream(requestHash: hash)
        let loop = EventStreamLoop(
            retryMilliseconds: 2000, heartbeat: ": keep-alive", heartbeatPolls: 4,
            // Revoking the token (or app token) the stream was opened with ends it, as revoking a grant does.
            stillValid: { try await credential.isValid(on: db) },
            stillDecided: { try await StoreReading.currentAccess(reader, code: store.resourceCode, today: application.today, on: db) == decided },
            page: { cursor in
                let sql = db.sql
                if let grantID {
                    // Revocation and expiry take effect on the next batch: the grant is looked up again each time.
                    guard let grant = try await GrantRow.find(grantID, on: db), grant.state(today: application.today.iso) == "active" else { return nil }
                    let view = try await GrantAccess.view(try .init(grant), store: store, app: application, on: db)
                    return try await ConsumerFeed.changes(store: store, view: view, after: cursor, limit: 1000, today: application.today, on: sql).map {
                        ($0.seq, $0.json)
                    }
                } else if let fixedView {
                    return try await ConsumerFeed.changes(store: store, view: fixedView, after: cursor, limit: 1000, today: application.today, on: sql).map {
                        ($0.seq, $0.json)
                    }
                }
                return try await ChangeFeed.items(store: store, after: cursor, limit: 1000, on: sql).map { ($0.seq, Optional($0.json)) }
            },
            audit: { count, after, through in
                // Whom the batch sent, under the stream's read decision (a changed one ends the stream).
                let subjects = try await AuditSubjects.hashesOfChanges(
                    store, after: after, through: through, view: view, today: application.today, trail: application.auditTrail, on: db.sql)
                try await AuditLog.append(
                    who, resource: store.resourceCode, operation: "changes.stream", fields: fields, count: count,
                    purpose: purpose, requestID: requestID, requestHash: hash, subjects: subjects, on: db, trail: application.auditTrail)
            })
        response.body = loop.body(from: start)
        return response
    }

    /// A change-feed position: a sequence number, or 400 naming where it came from (never a silent replay from 0).
    static func position(_ text: String?, field: String) throws -> Int? {
        guard let text else { return nil }
        guard text.count <= 20, let n = Int(text), n >= 0 else {
            throw AppError.field(
                .badRequest, "invalid_cursor", field, zh: "\(field) 须为变更序号（非负整数）", en: "\(field) is a change sequence number (a whole number from 0)")
        }
        return n
    }

    // MARK: Streams

    func latest(req: Request) async throws -> Response {
        let (store, purpose, view) = try await RecordsAPI.grantedAccess(req)
        if view != nil {
            throw AppError(
                .forbidden, "not_available_to_consumers", "The latest-per-key view is the provider's; consumers follow the change feed or query records")
        }
        let limit = try ListPaging.limit(req.query[String.self, at: "limit"], default: 1_000, range: 1...RecordQuery.maxPage)
        let rows = try await StreamStores.latest(store, limit: limit, on: req.db.sql)
        let hash = RecordsAPI.requestHash(req)
        try await RecordsAPI.audit(req, store, "latest", fields: store.recordLayout.columns.map(\.name), count: rows.count, purpose: purpose, hash: hash)
        return RecordsAPI.response(
            "{\"items\":[" + rows.joined(separator: ",") + "],\"total\":\(rows.count),\"next\":null,\"fields\":"
                + JSONText.encode(store.recordLayout.columns.map(\.name)) + "}",
            type: "application/json; charset=utf-8", hash: hash)
    }

    struct StoreSettings: Content { var retentionHours: Int? }

    /// `PATCH …/store {"retentionHours": 168}`: the retention window of a stream (null: keep all).
    func updateStore(req: Request) async throws -> StoreSettings {
        let (store, _) = try await RecordsAPI.access(req, .writeRecords)
        let body = try req.content.decode(StoreSettings.self)
        if let h = body.retentionHours, h < 1 || h > 24 * 3650 {
            throw AppError.field(.unprocessableEntity, "invalid", "retentionHours", zh: "保留时长为 1 小时到 10 年", en: "retentionHours is 1 to 87600")
        }
        if body.retentionHours != nil && StreamStores.timeColumn(store.recordLayout) == nil {
            throw AppError.field(
                .unprocessableEntity, "not_a_stream", "retentionHours", zh: "主键中没有时间项，无法按时间保留",
                en: "The key has no date-time item to measure retention by")
        }
        store.retentionHours = body.retentionHours
        try await store.save(on: req.db)
        return StoreSettings(retentionHours: store.retentionHours)
    }

    // MARK: Webhooks

    struct NewSubscription: Content {
        var url: String
        /// Start after this sequence number (default: from now on, the current last seq).
        var after: Int?
        var purpose: String?
    }

    func create(req: Request) async throws -> Response {
        let (store, purpose, _) = try await RecordsAPI.grantedAccess(req)
        let user = try req.requireUser()
        let body = try req.content.decode(NewSubscription.self)
        try await WebhookTargets.validate(body.url, allow: req.application.settings.webhookAllow)
        let limit = req.application.settings.webhookMaxPerDepartment
        if try await SubscriptionRow.query(on: req.db).filter(\.$departmentCode == user.departmentCode).count() >= limit {
            throw AppError(
                .conflict, "subscription_limit", "Your department already has \(limit) subscriptions; delete one first",
                details: [
                    FieldError(
                        field: "url", code: "subscription_limit", message: "本部门的订阅已达上限 \(limit) 个，请先删除不用的订阅",
                        messageEn: "Your department already has \(limit) subscriptions; delete one first")
                ])
        }
        var rng = SystemRandomNumberGenerator()
        let secret = "whsec_" + (0..<4).map { _ in String(rng.next(), radix: 36) }.joined()
        let sub = SubscriptionRow()
        sub.resourceCode = store.resourceCode; sub.ownerID = try user.requireID(); sub.ownerName = user.username
        sub.departmentCode = user.departmentCode; sub.url = body.url; sub.secret = secret
        sub.purpose = body.purpose ?? purpose
        sub.cursor = max(0, body.after ?? store.lastSeq); sub.status = "active"; sub.failures = 0; sub.nextAttemptAt = Date()
        try await sub.create(on: req.db)
        try await RecordsAPI.audit(req, store, "subscribe", fields: [], count: 0, purpose: sub.purpose, hash: RecordsAPI.requestHash(req))
        return try await SubscriptionInfo(sub, secret: secret).encodeResponse(status: .created, for: req)
    }

    func list(req: Request) async throws -> ListPage<SubscriptionInfo> {
        let (store, _, _) = try await RecordsAPI.grantedAccess(req)
        var q = SubscriptionRow.query(on: req.db).filter(\.$resourceCode == store.resourceCode)
        if req.user?.role != .platformAdmin, let user = req.user { q = q.filter(\.$ownerID == (try user.requireID())) }
        return ListPage(items: try await q.sort(\.$createdAt).all().map { SubscriptionInfo($0) })
    }

    func owned(_ req: Request) async throws -> SubscriptionRow {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self), let sub = try await SubscriptionRow.find(id, on: req.db),
            sub.ownerID == user.id || user.role == .platformAdmin
        else { throw AppError.notFound("Subscription") }
        return sub
    }

    func show(req: Request) async throws -> SubscriptionInfo { SubscriptionInfo(try await owned(req)) }

    func resume(req: Request) async throws -> SubscriptionInfo {
        let sub = try await owned(req)
        sub.status = "active"; sub.failures = 0; sub.nextAttemptAt = Date(); sub.leaseUntil = nil
        try await sub.save(on: req.db)
        return SubscriptionInfo(sub)
    }

    func remove(req: Request) async throws -> HTTPStatus {
        try await owned(req).delete(on: req.db)
        return .noContent
    }

    // MARK: Statistics

    struct StatLine: Content {
        var day: String; var resource: String; var provider: String; var consumer: String; var recordsIn: Int; var recordsOut: Int; var requests: Int
    }

    /// `GET /stats/exchange?from=YYYY-MM-DD&to=&resource=&department=`: records in and out per
    /// resource, consumer department and day (the heat analysis reads these).
    func stats(req: Request) async throws -> ListPage<StatLine> {
        try req.authorize(.readAudit)
        let sql = req.db.sql
        var conditions: [SQLQueryString] = ["1 = 1"]
        if let v = req.query[String.self, at: "from"] { conditions.append("day >= \(bind: v)") }
        if let v = req.query[String.self, at: "to"] { conditions.append("day <= \(bind: v)") }
        if let v = req.query[String.self, at: "resource"] { conditions.append("resource_code = \(bind: v)") }
        if let v = req.query[String.self, at: "department"] { conditions.append("(provider_code = \(bind: v) OR consumer_code = \(bind: v))") }
        let rows = try await sql.raw(
            """
            SELECT * FROM exchange_stats WHERE \(conditions.joined(separator: " AND ")) ORDER BY day DESC, resource_code, consumer_code LIMIT 5000
            """
        ).all()
        return ListPage(
            items: try rows.map { r in
                StatLine(
                    day: try r.decode(column: "day", as: String.self), resource: try r.decode(column: "resource_code", as: String.self),
                    provider: try r.decode(column: "provider_code", as: String.self), consumer: try r.decode(column: "consumer_code", as: String.self),
                    recordsIn: try r.decode(column: "records_in", as: Int.self), recordsOut: try r.decode(column: "records_out", as: Int.self),
                    requests: try r.decode(column: "requests", as: Int.self))
            })
    }
}

extension Response {
    /// A Server-Sent Events answer (the change feed, the open real-time streams): unbuffered by
    /// proxies, never cached, echoing the request's hash; the caller sets the body.
    static func eventStream(requestHash: String) -> Response {
        let response = Response(status: .ok)
        response.headers.replaceOrAdd(name: .contentType, value: "text/event-stream; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        response.headers.replaceOrAdd(name: "X-Accel-Buffering", value: "no")
        response.headers.replaceOrAdd(name: "X-Request-Hash", value: requestHash)
        return response
    }
}
