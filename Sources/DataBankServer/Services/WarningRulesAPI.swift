import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `/api/v1/warning-rules` (预警规则): a department that may read a store sets up a rule on it; the rule is
/// evaluated on the store's change log from then on (or over the records already there, `replay`), and its
/// warnings reach the subscribing departments, each of which must be able to read the store itself.
struct WarningRulesAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("warning-rules")
        r.get(use: Self.list).gate(.signedIn)
        r.post(use: Self.define).gate(.signedIn)
        r.get(":code", use: Self.show).gate(.signedIn)
        r.delete(":code", use: Self.retire).gate(.signedIn)
    }

    /// The rules the caller's department set up or subscribes to (every rule, for the data authority).
    static func list(req: Request) async throws -> ListPage<WarningRuleInfo> {
        let user = try staff(req)
        return ListPage(items: try await visibleRules(user.actor, on: req.db).compactMap(WarningRuleInfo.init))
    }

    static func show(req: Request) async throws -> WarningRuleInfo {
        let user = try staff(req)
        let code = try req.parameters.require("code")
        guard let row = try await visibleRules(user.actor, on: req.db).first(where: { $0.code == code }), let info = WarningRuleInfo(row) else {
            throw AppError.notFound("Warning rule \(code)")
        }
        return info
    }

    /// `POST /api/v1/warning-rules` with a ``WarningRule`` (and optionally `department`, for the data authority;
    /// `replay: true` to evaluate the records already in the store). Refused whole, every problem at its field:
    /// 422 `invalid_warning_rule` (a condition that does not compile names its position).
    static func define(req: Request) async throws -> Response {
        let user = try staff(req)
        struct Options: Content { var department: String?; var replay: Bool? }
        let options = try? req.content.decode(Options.self)
        let department = options?.department ?? user.departmentCode
        try req.authorize(.manageWarningRules, department: department)
        let rule = try req.decodeBody(WarningRule.self)
        try TextLimit.check([("name", rule.name, TextLimit.name), ("nameEn", rule.nameEn, TextLimit.name), ("condition", rule.condition, 2_000)])
        guard let store = try await readable(rule.resource, by: Actor(userID: user.id?.uuidString ?? "", role: user.role, departmentCode: department), req)
        else {
            throw AppError.field(
                .forbidden, "no_grant", "resource", zh: "本部门无权读取所监测的资源 \(rule.resource)，须先申请共享",
                en: "Your department may not read \(rule.resource): apply for access first")
        }
        var problems = rule.problems(layout: store.recordLayout, departments: Set(try await Directory.departmentNames(on: req.db, language: "zh").keys))
        if problems.isEmpty { problems += try await reachProblems(rule, layout: store.recordLayout, owner: department, req) }
        if !problems.isEmpty {
            throw AppError(.unprocessableEntity, "invalid_warning_rule", problems.map(\.messageEn).joined(separator: "; "), details: problems)
        }
        if try await WarningRuleRow.query(on: req.db).filter(\.$code == rule.code).first() != nil {
            throw AppError.field(.conflict, "duplicate_code", "code", zh: "预警规则代码已存在", en: "A warning rule with this code exists")
        }
        let row = WarningRuleRow(rule, department: department, createdBy: user.username, cursor: options?.replay == true ? 0 : store.lastSeq)
        try await row.create(on: req.db)
        try await AuditLog.append(
            .of(req), resource: rule.resource, operation: "warning-rule.define", fields: [rule.code], count: rule.subscribers.count, purpose: nil,
            requestID: req.id, requestHash: nil, on: req.db, trail: req.application.auditTrail)
        return try await WarningRuleInfo(row)!.encodeResponse(status: .created, for: req)
    }

    /// `DELETE /api/v1/warning-rules/{code}`: the rule stops firing; its warnings stay, to be closed.
    static func retire(req: Request) async throws -> HTTPStatus {
        let user = try staff(req)
        let code = try req.parameters.require("code")
        guard let row = try await visibleRules(user.actor, on: req.db).first(where: { $0.code == code }) else {
            throw AppError.notFound("Warning rule \(code)")
        }
        try req.authorize(.manageWarningRules, department: row.departmentCode)
        row.retiredAt = Date()
        try await row.save(on: req.db)
        try await AuditLog.append(
            .of(req), resource: row.resourceCode, operation: "warning-rule.retire", fields: [code], count: 0, purpose: nil,
            requestID: req.id, requestHash: nil, on: req.db, trail: req.application.auditTrail)
        return .noContent
    }

    // MARK: Parts

    /// Staff only: the public has no warnings.
    static func staff(_ req: Request) throws -> User {
        let user = try req.requireUser()
        guard user.actor.role.isStaff else { throw AppError(.forbidden, "forbidden", "Early warnings are for government staff") }
        return user
    }

    /// The rules in use that `actor`'s department owns or subscribes to; all of them for the data authority.
    static func visibleRules(_ actor: Actor, on db: any Database) async throws -> [WarningRuleRow] {
        let rows = try await WarningRuleRow.query(on: db).filter(\.$retiredAt == nil).sort(\.$code).all()
        if Authorization.reach(actor, .handleWarnings) == .all { return rows }
        return rows.filter { $0.departmentCode == actor.departmentCode || ($0.rule?.subscribers.contains(actor.departmentCode) ?? false) }
    }

    /// The store `actor` may read (in clear or through a grant), nil when they may not: the one read decision.
    static func readable(_ code: String, by actor: Actor, _ req: Request) async throws -> RecordStoreRow? {
        guard let decided = try await StoreReading.decide(actor: actor, app: nil, code: code, today: req.application.today, on: req.db),
            [.full, .grant].contains(decided.access)
        else { return nil }
        return decided.store
    }

    /// A rule's reach: every subscriber must be able to read the store (else its warnings would reach them
    /// with nothing to read), and the owner every resource a `listed_in` looks values up in.
    static func reachProblems(_ rule: WarningRule, layout: RecordLayout, owner: String, _ req: Request) async throws -> [FieldError] {
        var out: [FieldError] = []
        for (i, department) in rule.subscribers.enumerated() {
            let member = Actor(userID: "", role: .steward, departmentCode: department)
            if try await readable(rule.resource, by: member, req) == nil {
                out.append(
                    FieldError(
                        field: "subscribers[\(i)]", code: "no_grant", message: "部门 \(department) 无权读取 \(rule.resource)，收不到可读的预警",
                        messageEn: "the department \(department) may not read \(rule.resource): its warnings would be unreadable"))
            }
        }
        guard case .success(let compiled) = rule.compile(layout: layout) else { return out }
        let owning = Actor(userID: "", role: .steward, departmentCode: owner)
        for listing in WarningCheck(rule: rule, compiled: compiled).listings {
            guard let other = try await readable(listing.resource, by: owning, req) else {
                out.append(
                    FieldError(
                        field: "condition", code: "no_grant", message: "listed_in 所查的资源 \(listing.resource) 本部门无权读取",
                        messageEn: "listed_in looks in \(listing.resource), which your department may not read"))
                continue
            }
            if !other.recordLayout.columns.contains(where: { $0.name == listing.column }) {
                out.append(
                    FieldError(
                        field: "condition", code: "unknown_column", message: "资源 \(listing.resource) 没有列 '\(listing.column)'",
                        messageEn: "\(listing.resource) has no column '\(listing.column)'"))
            }
        }
        return out
    }
}
