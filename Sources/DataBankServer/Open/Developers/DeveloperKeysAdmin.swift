import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The platform admin's view of the registered users' developer keys: who holds each, when it was
/// made and last used, its calls today (`api_usage`, as last flushed), and its limits — which the
/// admin sets (calls per minute, per day) or ends by revoking the key. Every change is audited
/// (`developer_key.limits`, `developer_key.revoke`); a saved key row moves the access epoch, so
/// the next call with the key meets its new limits on every instance.
enum DeveloperKeysAdmin {
    struct KeyInfo: Content {
        var id: UUID?
        var name: String
        var prefix: String
        var owner: String
        var createdAt: Date?
        var lastUsedAt: Date?
        var revokedAt: Date?
        var ratePerMinute: Int?
        var dailyQuota: Int?
        var callsToday: Int
    }

    struct Limits: Content {
        var ratePerMinute: Int?
        var dailyQuota: Int?
    }

    static let maxPerMinute = 100_000
    static let maxPerDay = 100_000_000

    /// The registered users' keys, newest first (at most 500), with their calls today.
    static func keys(_ req: Request) async throws -> [KeyInfo] {
        let rows = try await UserToken.query(on: req.db)
            .join(User.self, on: \UserToken.$user.$id == \User.$id)
            .filter(User.self, \.$roleName == Role.publicUser.rawValue)
            .sort(\.$createdAt, .descending).range(0..<500).all()
        let calls = try await callsToday(req)
        return try rows.map { key in
            info(key, owner: try key.joined(User.self).username, calls: calls["key:" + (key.id?.uuidString ?? "")] ?? 0)
        }
    }

    static func info(_ key: UserToken, owner: String, calls: Int) -> KeyInfo {
        KeyInfo(
            id: key.id, name: key.name, prefix: key.prefix, owner: owner, createdAt: key.createdAt, lastUsedAt: key.lastUsedAt,
            revokedAt: key.revokedAt, ratePerMinute: key.ratePerMinute, dailyQuota: key.dailyQuota, callsToday: calls)
    }

    /// Calls per developer key today (UTC+8), from `api_usage`: one aggregate query.
    static func callsToday(_ req: Request) async throws -> [String: Int] {
        let day = CivilDate(daysSinceEpoch: UsageMeter.day(req.application.settings.now().timeIntervalSince1970)).iso
        let rows = try await req.db.sql.raw(
            """
            SELECT subject, CAST(SUM(calls) AS BIGINT) AS n FROM api_usage
            WHERE day = \(bind: day) AND subject LIKE \(bind: "key:%") GROUP BY subject
            """
        ).all()
        var out: [String: Int] = [:]
        for row in rows { out[try row.decode(column: "subject", as: String.self)] = Int(try row.decode(column: "n", as: Int64.self)) }
        return out
    }

    /// A registered user's key by id, or 404.
    static func key(_ req: Request) async throws -> (UserToken, User) {
        guard let id = req.parameters.get("id", as: UUID.self),
            let key = try await UserToken.query(on: req.db).filter(\.$id == id).with(\.$user).first(),
            key.user.role == .publicUser
        else { throw AppError.notFound("Key") }
        return (key, key.user)
    }

    /// Whole numbers from 1 (per minute up to 100,000, per day up to 100,000,000), or 422 naming each field at fault.
    static func validated(perMinute: Int?, perDay: Int?) throws -> (Int, Int) {
        var details: [FieldError] = []
        if perMinute.map({ !(1...maxPerMinute).contains($0) }) ?? true {
            details.append(
                FieldError(
                    field: "ratePerMinute", code: "invalid_limit", message: "每分钟调用上限须为 1 到 \(maxPerMinute) 的整数",
                    messageEn: "Calls per minute is a whole number from 1 to \(maxPerMinute)"))
        }
        if perDay.map({ !(1...maxPerDay).contains($0) }) ?? true {
            details.append(
                FieldError(
                    field: "dailyQuota", code: "invalid_limit", message: "每日调用上限须为 1 到 \(maxPerDay) 的整数",
                    messageEn: "Calls per day is a whole number from 1 to \(maxPerDay)"))
        }
        guard details.isEmpty, let perMinute, let perDay else { throw AppError.validation(details) }
        return (perMinute, perDay)
    }

    /// Sets the key's limits and audits the change (old and new values in the entry's purpose).
    static func setLimits(_ req: Request, perMinute: Int?, perDay: Int?) async throws -> KeyInfo {
        try req.authorize(.manageDeveloperKeys)
        let (key, owner) = try await key(req)
        let (minute, day) = try validated(perMinute: perMinute, perDay: perDay)
        let before = "\(key.ratePerMinute.map(String.init) ?? "-")/\(key.dailyQuota.map(String.init) ?? "-")"
        key.ratePerMinute = minute
        key.dailyQuota = day
        try await key.save(on: req.db)
        try await audit(req, "developer_key.limits", key, owner: owner, note: "\(before) -> \(minute)/\(day) per minute/day")
        return info(key, owner: owner.username, calls: try await callsToday(req)["key:" + (key.id?.uuidString ?? "")] ?? 0)
    }

    /// Revokes the key (again: nothing changes) and audits it.
    static func revoke(_ req: Request) async throws -> KeyInfo {
        try req.authorize(.manageDeveloperKeys)
        let (key, owner) = try await key(req)
        if key.revokedAt == nil {
            key.revokedAt = Date()
            try await key.save(on: req.db)
            try await audit(req, "developer_key.revoke", key, owner: owner, note: "revoked")
        }
        return info(key, owner: owner.username, calls: try await callsToday(req)["key:" + (key.id?.uuidString ?? "")] ?? 0)
    }

    static func audit(_ req: Request, _ operation: String, _ key: UserToken, owner: User, note: String) async throws {
        try await AuditLog.append(
            .of(req), resource: nil, operation: operation, fields: ["rate_per_minute", "daily_quota", "revoked_at"], count: 1,
            purpose: "key \(key.prefix)… (\(key.id?.uuidString ?? "")) of \(owner.username): \(note)", requestID: req.id,
            requestHash: nil, on: req.db, trail: req.application.auditTrail)
    }

    // MARK: JSON API

    /// `GET /api/v1/developer-keys`
    static func list(req: Request) async throws -> ListPage<KeyInfo> {
        try req.authorize(.manageDeveloperKeys)
        return ListPage(items: try await keys(req))
    }

    /// `PATCH /api/v1/developer-keys/{id}` `{"ratePerMinute": 60, "dailyQuota": 10000}`
    static func update(req: Request) async throws -> KeyInfo {
        try req.authorize(.manageDeveloperKeys)
        let body = try req.decodeBody(Limits.self)
        return try await setLimits(req, perMinute: body.ratePerMinute, perDay: body.dailyQuota)
    }

    /// `POST /api/v1/developer-keys/{id}/revoke`
    static func revokeJSON(req: Request) async throws -> KeyInfo { try await revoke(req) }
}
