import Fluent
import SQLKit
import Vapor
import DataBankCore

/// A subscriber acting on a warning: load → authorize → validate → act, the state moved only from the state
/// read (two clerks acting at once: the second gets 409), an event kept, the action audited.
struct WarningHandling {
    let req: Request
    let user: User
    let row: WarningRow
    let rules: [WarningRuleRow]

    func apply(_ action: WarningState.Action, to assignee: String?, note: String?) async throws -> WarningInfo {
        guard let ruleRow = rules.first(where: { $0.code == row.ruleCode }), let rule = ruleRow.rule else { throw AppError.notFound("Warning") }
        guard let department = Self.actingDepartments(user, rule: rule, req).first else {
            try req.authorize(.handleWarnings, department: rule.subscribers.first ?? ruleRow.departmentCode)  // the 403 and its reason
            throw AppError(.forbidden, "forbidden", "Only a subscribing department handles this warning")
        }
        try req.authorize(.handleWarnings, department: department)
        let from = row.warningState
        guard let to = from.after(action) else {
            throw AppError.field(
                .conflict, "invalid_state", "state", zh: "预警当前为「\(Self.stateName(from, zh: true))」，不能\(Self.actionName(action, zh: true))",
                en: "The warning is \(from.rawValue): it cannot be \(Self.actionName(action, zh: false))")
        }
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if action == .close, note == nil {
            throw AppError.field(.unprocessableEntity, "note_required", "note", zh: "关闭预警须写明处置情况", en: "Closing a warning needs a note on how it was handled")
        }
        let assigned: String? = action == .assign ? try await assignedUser(assignee, subscribers: rule.subscribers) : nil
        let now = Date()
        try await req.db.transaction { tx in
            let moved = try await tx.sql.raw(
                """
                UPDATE warnings SET state = \(bind: to.rawValue), assigned_to = \(bind: action == .assign ? assigned : row.assignedTo), updated_at = \(bind: now)
                WHERE id = \(bind: row.id) AND state = \(bind: from.rawValue) RETURNING id
                """
            ).all()
            guard !moved.isEmpty else {
                throw AppError(.conflict, "invalid_state", "The warning was just changed by someone else: reload it")
            }
            let event = WarningEventRow()
            event.warningID = row.id!; event.action = action.rawValue; event.byUser = user.username; event.departmentCode = user.departmentCode
            event.assignedTo = assigned; event.note = note; event.at = now
            try await event.create(on: tx)
        }
        try await AuditLog.append(
            .of(req), resource: row.resourceCode, operation: "warning.\(action.rawValue)", fields: [row.ruleCode], count: 1, purpose: note,
            requestID: req.id, requestHash: nil, on: req.db, trail: req.application.auditTrail)
        guard let fresh = try await WarningRow.find(row.id, on: req.db) else { throw AppError.notFound("Warning") }
        return try await WarningsAPI.info(fresh, rules: rules, user: user, req)
    }

    /// The departments on whose behalf `user` handles a rule's warnings (and may assign them within): their own
    /// when it subscribes; for the data authority, every subscriber; none for anyone else.
    static func actingDepartments(_ user: User, rule: WarningRule, _ req: Request) -> [String] {
        if rule.subscribers.contains(user.departmentCode) { return req.can(.handleWarnings, department: user.departmentCode) ? [user.departmentCode] : [] }
        return req.can(.handleWarnings, department: rule.subscribers.first) ? rule.subscribers : []
    }

    /// The user a warning is assigned to: a member of a subscribing department (422 at `to` otherwise).
    func assignedUser(_ username: String?, subscribers: [String]) async throws -> String {
        guard let username = username?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty else {
            throw AppError.field(.unprocessableEntity, "required", "to", zh: "须指明指派给谁（用户名）", en: "to names the user it is assigned to")
        }
        guard let target = try await User.query(on: req.db).filter(\.$username == username).first(), subscribers.contains(target.departmentCode),
            target.role.isStaff
        else {
            throw AppError.field(
                .unprocessableEntity, "unknown_user", "to", zh: "用户 \(username) 不存在或不属于订阅部门", en: "No user \(username) in a subscribing department")
        }
        return username
    }

    static func stateName(_ s: WarningState, zh: Bool) -> String {
        switch s {
        case .open: zh ? "待处理" : "open"
        case .acknowledged: zh ? "已确认" : "acknowledged"
        case .assigned: zh ? "已指派" : "assigned"
        case .closed: zh ? "已关闭" : "closed"
        }
    }

    static func actionName(_ a: WarningState.Action, zh: Bool) -> String {
        switch a {
        case .ack: zh ? "确认" : "acknowledged"
        case .assign: zh ? "指派" : "assigned"
        case .close: zh ? "关闭" : "closed"
        }
    }
}
