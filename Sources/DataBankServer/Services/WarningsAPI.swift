import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `/api/v1/warnings`: the warnings of the rules the caller's department subscribes to (or set up), newest
/// first, each value through the caller's own view of the watched store; and what a subscriber does with one
/// (`/ack`, `/assign` with `to`, `/close` with a `note`). Reading warnings reads shared data: it is audited.
struct WarningsAPI: RouteCollection {
    static let pageLimit = 200

    func boot(routes: any RoutesBuilder) throws {
        let w = routes.grouped("warnings")
        w.get(use: Self.list).gate(.signedIn)
        w.get(":id", use: Self.show).gate(.signedIn)
        for action in WarningState.Action.allCases {
            w.post(":id", PathComponent(stringLiteral: action.rawValue), use: { req in try await Self.act(req, action) }).gate(.signedIn)
        }
    }

    /// `?state=open|acknowledged|assigned|closed|active` (active: not closed), `?rule=`, `?before=<seq>`, `?limit=` (≤ 200).
    static func list(req: Request) async throws -> ListPage<WarningInfo> {
        let user = try WarningRulesAPI.staff(req)
        let query = try Query(req)
        let rules = try await WarningRulesAPI.visibleRules(user.actor, on: req.db)
        let rows = try await query.rows(rules: rules.map(\.code), on: req.db)
        var views = WarningViews(actor: user.actor, app: req.application, on: req.db)
        let infos = try await views.infos(rows, rules: ruleMap(rules))
        try await audit(req, rows, operation: "warnings.read")
        return ListPage(items: infos)
    }

    static func show(req: Request) async throws -> WarningInfo {
        let user = try WarningRulesAPI.staff(req)
        let (row, rules) = try await load(req, user)
        let info = try await info(row, rules: rules, user: user, req)
        try await audit(req, [row], operation: "warnings.read")
        return info
    }

    /// One warning as `user` sees it, with what was done with it.
    static func info(_ row: WarningRow, rules: [WarningRuleRow], user: User, _ req: Request) async throws -> WarningInfo {
        var views = WarningViews(actor: user.actor, app: req.application, on: req.db)
        return try await views.infos([row], rules: ruleMap(rules), events: try await events(of: [row], on: req.db))[0]
    }

    /// Acknowledge, assign or close: the caller's department must subscribe to the rule (the data authority
    /// may act on any). 409 `invalid_state` when the warning's state does not take the action.
    static func act(_ req: Request, _ action: WarningState.Action) async throws -> WarningInfo {
        let user = try WarningRulesAPI.staff(req)
        let (row, rules) = try await load(req, user)
        let body = (try? req.content.decode(WarningActionBody.self)) ?? WarningActionBody()
        try body.checkLengths()
        return try await WarningHandling(req: req, user: user, row: row, rules: rules).apply(action, to: body.to, note: body.note)
    }

    // MARK: Parts

    /// A list's filters, checked.
    struct Query {
        var state: String?
        var rule: String?
        var before: Int?
        var limit: Int

        init(_ req: Request, defaultState: String? = nil) throws {
            state = (req.queryValue("state") ?? defaultState).flatMap { $0.isEmpty || $0 == "all" ? nil : $0 }
            if let state, state != "active", WarningState(rawValue: state) == nil {
                throw AppError.field(
                    .badRequest, "invalid_state", "state", zh: "state 须为 open、acknowledged、assigned、closed、active 或 all",
                    en: "state is one of open, acknowledged, assigned, closed, active, all")
            }
            rule = req.queryValue("rule").flatMap { $0.isEmpty ? nil : $0 }
            before = try req.queryValue("before").map { text in
                guard let n = Int(text), n > 0 else {
                    throw AppError.field(.badRequest, "invalid_before", "before", zh: "before 须为正整数", en: "before is a positive number")
                }
                return n
            }
            let limit = try req.queryValue("limit").map { text in
                guard let n = Int(text), (1...WarningsAPI.pageLimit).contains(n) else {
                    throw AppError.field(.badRequest, "invalid_limit", "limit", zh: "limit 须为 1–200", en: "limit is 1 to 200")
                }
                return n
            }
            self.limit = limit ?? 50
        }

        func rows(rules: [String], on db: any Database) async throws -> [WarningRow] {
            let codes = rule.map { rules.contains($0) ? [$0] : [] } ?? rules
            guard !codes.isEmpty else { return [] }
            var q = WarningRow.query(on: db).filter(\.$ruleCode ~~ codes)
            if state == "active" { q = q.filter(\.$state != WarningState.closed.rawValue) } else if let state { q = q.filter(\.$state == state) }
            if let before { q = q.filter(\.$seq < before) }
            return try await q.sort(\.$seq, .descending).range(0..<limit).all()
        }
    }

    /// The warning named by `:id`, if one of the caller's rules raised it (else 404, as for an unknown id).
    static func load(_ req: Request, _ user: User) async throws -> (WarningRow, [WarningRuleRow]) {
        guard let id = req.parameters.get("id", as: UUID.self), let row = try await WarningRow.find(id, on: req.db) else {
            throw AppError.notFound("Warning")
        }
        let rules = try await WarningRulesAPI.visibleRules(user.actor, on: req.db)
        guard rules.contains(where: { $0.code == row.ruleCode }) else { throw AppError.notFound("Warning") }
        return (row, rules)
    }

    static func ruleMap(_ rows: [WarningRuleRow]) -> [String: WarningRule] {
        var out: [String: WarningRule] = [:]
        for row in rows { if let rule = row.rule { out[row.code] = rule } }
        return out
    }

    static func events(of rows: [WarningRow], on db: any Database) async throws -> [UUID: [WarningInfo.Event]] {
        let ids = rows.compactMap(\.id)
        guard !ids.isEmpty else { return [:] }
        var out: [UUID: [WarningInfo.Event]] = [:]
        for e in try await WarningEventRow.query(on: db).filter(\.$warningID ~~ ids).sort(\.$at).all() {
            out[e.warningID, default: []].append(
                .init(action: e.action, by: e.byUser, department: e.departmentCode, assignedTo: e.assignedTo, note: e.note, at: e.at))
        }
        return out
    }

    /// One audit entry per watched store whose warnings the caller read (how many).
    static func audit(_ req: Request, _ rows: [WarningRow], operation: String) async throws {
        try await audit(rows, who: .of(req), operation: operation, requestID: req.id, requestHash: nil, on: req.db, trail: req.application.auditTrail)
    }

    /// As above for any reader (a department's webhook delivering).
    static func audit(
        _ rows: [WarningRow], who: AuditLog.Who, operation: String, requestID: String, requestHash: String?, on db: any Database, trail: AuditTrail
    ) async throws {
        var counts: [String: Int] = [:]
        for row in rows { counts[row.resourceCode, default: 0] += 1 }
        for (resource, count) in counts.sorted(by: { $0.key < $1.key }) {
            try await AuditLog.append(
                who, resource: resource, operation: operation, fields: [], count: count, purpose: "预警处置",
                requestID: requestID, requestHash: requestHash, on: db, trail: trail)
        }
    }
}
