import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `/api/v1/warning-hook`: a department's webhook for its warnings (one per department; `PUT` sets or
/// replaces it and answers the signing secret once), and its delivery: each new warning of a rule the
/// department subscribes to is POSTed as its owner may see it (``WarningViews``), a page at a time in the
/// order raised, signed like the change-feed webhooks (`X-DataBank-Signature: sha256=…`); the cursor moves
/// on a 2xx only, failures back off, and after ``WebhookDelivery/maxFailures`` in a row the hook pauses.
struct WarningHooksAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let h = routes.grouped("warning-hook")
        h.get(use: Self.show).gate(.signedIn)
        h.put(use: Self.set).gate(.signedIn)
        h.delete(use: Self.remove).gate(.signedIn)
    }

    struct Info: Content {
        var department: String
        var url: String
        var status: String
        var cursor: Int
        var failures: Int
        var lastError: String?
        var lastDeliveredAt: Date?
        var secret: String?

        init(_ h: WarningHookRow, secret: String? = nil) {
            department = h.departmentCode; url = h.url; status = h.status; cursor = h.cursor; failures = h.failures
            lastError = h.lastError; lastDeliveredAt = h.lastDeliveredAt; self.secret = secret
        }
    }

    static func show(req: Request) async throws -> Info {
        let user = try WarningRulesAPI.staff(req)
        guard let hook = try await WarningHookRow.query(on: req.db).filter(\.$departmentCode == user.departmentCode).first() else {
            throw AppError.notFound("Warning webhook")
        }
        return Info(hook)
    }

    /// `PUT` `{"url": "https://…"}`: from the newest warning on (earlier ones are on `/api/v1/warnings`).
    static func set(req: Request) async throws -> Response {
        let user = try WarningRulesAPI.staff(req)
        try req.authorize(.manageWarningRules, department: user.departmentCode)
        struct Body: Content { var url: String }
        let body = try req.decodeBody(Body.self)
        try await WebhookTargets.validate(body.url, allow: req.application.settings.webhookAllow)
        var rng = SystemRandomNumberGenerator()
        let secret = "whsec_" + (0..<4).map { _ in String(rng.next(), radix: 36) }.joined()
        let last = try await req.db.sql.raw("SELECT COALESCE(MAX(seq), 0) AS n FROM warnings").first()?.decode(column: "n", as: Int.self) ?? 0
        let hook = try await WarningHookRow.query(on: req.db).filter(\.$departmentCode == user.departmentCode).first() ?? WarningHookRow()
        hook.departmentCode = user.departmentCode; hook.ownerID = try user.requireID(); hook.ownerName = user.username
        hook.url = body.url; hook.secret = secret; hook.cursor = last; hook.status = "active"; hook.failures = 0; hook.lastError = nil
        hook.nextAttemptAt = Date(); hook.leaseUntil = nil
        try await hook.save(on: req.db)
        try await AuditLog.append(
            .of(req), resource: nil, operation: "warning-hook.set", fields: [], count: 0, purpose: nil,
            requestID: req.id, requestHash: nil, on: req.db, trail: req.application.auditTrail)
        return try await Info(hook, secret: secret).encodeResponse(status: .ok, for: req)
    }

    static func remove(req: Request) async throws -> HTTPStatus {
        let user = try WarningRulesAPI.staff(req)
        try req.authorize(.manageWarningRules, department: user.departmentCode)
        guard let hook = try await WarningHookRow.query(on: req.db).filter(\.$departmentCode == user.departmentCode).first() else {
            throw AppError.notFound("Warning webhook")
        }
        try await hook.delete(on: req.db)
        return .noContent
    }
}

/// Sends departments' new warnings to their webhooks (the exchange worker's loop).
enum WarningHookDelivery {
    static let pageSize = 100

    /// Claims the due hooks (a lease, so instances share the work) and delivers a page to each; true when any
    /// had a full page (more may wait).
    static func runOnce(app: Application, now: Date = Date()) async throws -> Bool {
        let lease = app.settings.webhookConnectTimeout + app.settings.webhookResponseTimeout + 60
        let claimed = try await app.db.sql.raw(
            """
            UPDATE warning_hooks SET lease_until = \(bind: now.addingTimeInterval(lease))
            WHERE id IN (SELECT id FROM warning_hooks WHERE status = 'active' AND next_attempt_at <= \(bind: now)
                         AND (lease_until IS NULL OR lease_until < \(bind: now)) LIMIT 20)
            RETURNING id
            """
        ).all().map { try $0.decode(column: "id", as: UUID.self) }
        var more = false
        for id in claimed {
            guard let hook = try await WarningHookRow.find(id, on: app.db) else { continue }
            if try await deliver(hook, app: app, now: now) { more = true }
        }
        return more
    }

    /// One page of the hook's new warnings; true when the page was full.
    static func deliver(_ hook: WarningHookRow, app: Application, now: Date) async throws -> Bool {
        let db = app.db
        guard let owner = try await User.find(hook.ownerID, on: db), owner.departmentCode == hook.departmentCode else {
            hook.status = "paused"; hook.lastError = "The hook's owner left the department"; hook.leaseUntil = nil
            try await hook.save(on: db); return false
        }
        let rules = try await WarningRulesAPI.visibleRules(Actor(userID: "", role: .steward, departmentCode: hook.departmentCode), on: db)
        let subscribed = rules.filter { $0.rule?.subscribers.contains(hook.departmentCode) ?? false }
        let rows =
            subscribed.isEmpty
            ? []
            : try await WarningRow.query(on: db).filter(\.$ruleCode ~~ subscribed.map(\.code)).filter(\.$seq > hook.cursor)
                .sort(\.$seq).range(0..<pageSize).all()
        guard let last = rows.last else {
            hook.nextAttemptAt = now.addingTimeInterval(2); hook.leaseUntil = nil
            try await hook.save(on: db); return false
        }
        var views = WarningViews(actor: owner.actor, app: app, on: db)
        struct Body: Content { var department: String; var warnings: [WarningInfo] }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let body = Array(try encoder.encode(Body(department: hook.departmentCode, warnings: try await views.infos(rows, rules: WarningsAPI.ruleMap(rules)))))
        let deliveryID = UUID().uuidString
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.add(name: "X-DataBank-Signature", value: WebhookDelivery.signature(body, secret: hook.secret))
        headers.add(name: "X-DataBank-Delivery", value: deliveryID)
        headers.add(name: "X-DataBank-Event", value: "warnings")
        headers.add(name: "User-Agent", value: "DataBank-Webhook/1")
        let error = await WebhookDelivery.post(body, headers: headers, to: hook.url, settings: app.settings, on: app.eventLoopGroup)
        hook.leaseUntil = nil
        if Task.isCancelled { try await hook.save(on: db); return false }
        if let error {
            hook.failures += 1; hook.lastError = error
            hook.nextAttemptAt = max(now, Date()).addingTimeInterval(WebhookDelivery.backoff(failures: hook.failures))
            if hook.failures >= WebhookDelivery.maxFailures { hook.status = "paused" }
            try await hook.save(on: db); return false
        }
        hook.cursor = last.seq; hook.failures = 0; hook.lastError = nil; hook.lastDeliveredAt = now; hook.nextAttemptAt = now
        try await hook.save(on: db)
        try await WarningsAPI.audit(
            rows, who: AuditLog.Who(kind: "webhook", id: hook.id?.uuidString, name: hook.ownerName, departmentCode: hook.departmentCode),
            operation: "warnings.deliver", requestID: deliveryID, requestHash: SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined(),
            on: db, trail: app.auditTrail)
        return rows.count == pageSize
    }
}
