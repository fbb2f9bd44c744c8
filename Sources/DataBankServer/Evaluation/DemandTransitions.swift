import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The answers to a demand: the provider accepts, fulfils (linking the resource or grant that met it)
/// or declines (with the reason); the data authority assigns a provider; other departments vote.
extension Demands {
    static func accept(_ id: UUID?, note: String?, req: Request) async throws -> DemandRow {
        let (row, user) = try await loadForAnswer(id, req: req)
        try await move(row, .accept, user: user, note: clean(note), req: req) { _ in }
        try await tell(row, "demand.accepted", zh: "您登记的数据需求“\(row.title)”已受理", en: "Your data demand “\(row.title)” was accepted", voters: false, req: req)
        return row
    }

    /// Met by a published resource (`resource`, a catalog code) or by a grant (`grant`, whose resource is then the link).
    static func fulfil(_ id: UUID?, resource: String?, grant: String?, note: String?, req: Request) async throws -> DemandRow {
        let (row, user) = try await loadForAnswer(id, req: req)
        try requireAllowed(row, .fulfil)
        let resourceCode = clean(resource), grantText = clean(grant)
        guard resourceCode != nil || grantText != nil else {
            throw AppError.field(
                .unprocessableEntity, "link_required", "resource", zh: "请填写满足此需求的资源代码或授权编号",
                en: "Name the resource (catalog code) or the grant that meets the demand")
        }
        var linked = resourceCode
        var grantID: UUID?
        if let grantText {
            guard let gid = UUID(uuidString: grantText), let g = try await GrantRow.find(gid, on: req.db) else {
                throw AppError.field(.unprocessableEntity, "unknown_grant", "grant", zh: "没有编号为 \(grantText) 的授权", en: "No grant \(grantText)")
            }
            if let code = resourceCode, code != g.resourceCode {
                throw AppError.field(
                    .unprocessableEntity, "grant_mismatch", "grant", zh: "授权 \(grantText) 不是资源 \(code) 的授权",
                    en: "Grant \(grantText) is on \(g.resourceCode), not \(code)")
            }
            grantID = gid; linked = g.resourceCode
        }
        if let code = linked {
            // Only what the catalog holds (published, not retired) can meet a need.
            guard let r = try await ResourceRow.query(on: req.db).filter(\.$code == code).first(), r.publishedRevision != nil, r.status != "retired" else {
                throw AppError.field(
                    .unprocessableEntity, "unknown_resource", grantID == nil ? "resource" : "grant", zh: "目录中没有已发布的资源 \(code)",
                    en: "No published resource \(code) in the catalog")
            }
        }
        try await move(row, .fulfil, user: user, note: clean(note), req: req) { r in
            r.fulfilledResource = linked; r.fulfilledGrant = grantID; r.resolution = clean(note)
        }
        try await tell(
            row, "demand.fulfilled", zh: "数据需求“\(row.title)”已满足：\(linked ?? "")", en: "The data demand “\(row.title)” is met: \(linked ?? "")",
            voters: true, req: req)
        return row
    }

    static func decline(_ id: UUID?, reason: String?, req: Request) async throws -> DemandRow {
        let (row, user) = try await loadForAnswer(id, req: req)
        try requireAllowed(row, .decline)
        guard let reason = clean(reason) else {
            throw AppError.field(.unprocessableEntity, "reason_required", "reason", zh: "无法满足须说明理由", en: "Declining needs a reason")
        }
        try await move(row, .decline, user: user, note: reason, req: req) { r in r.resolution = reason }
        try await tell(
            row, "demand.declined", zh: "数据需求“\(row.title)”无法满足：\(reason.prefix(80))",
            en: "The data demand “\(row.title)” cannot be met: \(reason.prefix(80))", voters: true, req: req)
        return row
    }

    /// The data authority routes a demand registered without a provider (or re-routes a pending one).
    static func assign(_ id: UUID?, provider: String?, note: String?, req: Request) async throws -> DemandRow {
        let user = try req.requireUser()
        let row = try await find(id, req: req)
        try forbiddenWithField(user, .assignDemand, department: nil, field: "provider")
        try requireAllowed(row, .assign)
        guard let provider = clean(provider) else {
            throw AppError.field(.unprocessableEntity, "provider_required", "provider", zh: "请选择提供方部门", en: "Name the provider department")
        }
        guard try await Department.query(on: req.db).filter(\.$code == provider).first() != nil else {
            throw AppError.field(.unprocessableEntity, "unknown_provider", "provider", zh: "没有代码为 \(provider) 的部门", en: "No department \(provider)")
        }
        if provider == row.requesterCode {
            throw AppError.field(
                .unprocessableEntity, "own_department", "provider", zh: "不能指派给提出需求的部门", en: "The requesting department cannot be its own provider")
        }
        try await move(row, .assign, user: user, note: clean(note) ?? provider, req: req) { r in r.providerCode = provider }
        try await Applications.notify(
            provider, "demand.assigned", zh: "数据管理机构将数据需求“\(row.title)”指派给本部门，请在 \(row.due) 前答复",
            en: "The data authority routed the data demand “\(row.title)” to your department; answer by \(row.due)", link: link(row), on: req.db)
        return row
    }

    /// "我也需要": another department adds its weight, once.
    static func vote(_ id: UUID?, note: String?, req: Request) async throws -> DemandRow {
        let user = try req.requireUser()
        try forbiddenWithField(user, .voteDemand, department: user.departmentCode, field: "department")
        let row = try await find(id, req: req)
        if row.requesterCode == user.departmentCode {
            throw AppError.field(.conflict, "own_demand", "demand", zh: "不能为本部门登记的需求投票", en: "Your department registered this demand; vote for others'")
        }
        // The provider answers a demand; its "we need it too" would only inflate the count.
        if row.providerCode == user.departmentCode {
            throw AppError.field(
                .conflict, "own_provision", "demand", zh: "本部门是此需求的提供方，请答复而非投票", en: "Your department provides this demand; answer it rather than vote")
        }
        try requireAllowed(row, .vote)
        let demandID = try row.requireID()
        if try await DemandVoteRow.query(on: req.db).filter(\.$demandID == demandID).filter(\.$departmentCode == user.departmentCode).first() != nil {
            throw AppError.field(.conflict, "already_voted", "department", zh: "本部门已表示“我也需要”", en: "Your department already voted for this demand")
        }
        do {
            try await req.db.transaction { tx in
                let vote = DemandVoteRow()
                vote.demandID = demandID; vote.departmentCode = user.departmentCode; vote.voterName = user.username; vote.note = clean(note)
                try await vote.create(on: tx)
                try await tx.sql.raw("UPDATE demands SET vote_count = vote_count + 1 WHERE id = \(bind: demandID)").run()
                try await event(row, "voted", user: user, note: clean(note), on: tx)
            }
        } catch let e as any DatabaseError where e.isConstraintFailure {
            // Two votes of one department at once: the unique index lets one in.
            throw AppError.field(.conflict, "already_voted", "department", zh: "本部门已表示“我也需要”", en: "Your department already voted for this demand")
        }
        row.voteCount += 1
        try await audit(row, "vote", req: req)
        let voter = try await Department.query(on: req.db).filter(\.$code == user.departmentCode).first()
        for department in Set([row.requesterCode, row.providerCode].compactMap { $0 }) {
            try await Applications.notify(
                department, "demand.voted", zh: "\(voter?.name ?? user.departmentCode) 也需要“\(row.title)”（共 \(row.voteCount + 1) 个部门）",
                en: "\(voter?.nameEn ?? user.departmentCode) needs “\(row.title)” too (\(row.voteCount + 1) departments)", link: link(row), on: req.db)
        }
        return row
    }

    // MARK: Parts

    /// The demand, if the user answers for its provider (an unassigned one only the data authority answers).
    static func loadForAnswer(_ id: UUID?, req: Request) async throws -> (DemandRow, User) {
        let user = try req.requireUser()
        let row = try await find(id, req: req)
        guard let provider = row.providerCode else {
            try forbiddenWithField(user, .assignDemand, department: nil, field: "provider")
            return (row, user)
        }
        try forbiddenWithField(user, .answerDemand, department: provider, field: "provider")
        return (row, user)
    }

    /// The table's "no" as a 403 naming the field it concerns (whose department the demand is routed to).
    static func forbiddenWithField(_ user: User, _ action: CatalogAction, department: String?, field: String) throws {
        if case .deny(let why) = Authorization.decide(user.actor, action, departmentCode: department) {
            throw AppError.field(.forbidden, "forbidden", field, zh: "无权操作：只有提供方部门（或数据管理机构）可以答复此需求", en: why)
        }
    }

    static func requireAllowed(_ row: DemandRow, _ action: DemandAction) throws {
        guard DemandWorkflow.next(row.demandState, action) != nil else {
            throw AppError.field(
                .conflict, "invalid_transition", "state", zh: "需求当前为“\(row.demandState.zh)”，不能\(action.zh)",
                en: "The demand is \(row.state); it cannot be \(action.rawValue)ed now")
        }
    }

    /// Moves the state with a conditional `UPDATE … WHERE state = <seen>`, so two answers never both
    /// win (the loser gets 409), and writes the history in the same transaction; then the audit entry.
    static func move(_ row: DemandRow, _ action: DemandAction, user: User, note: String?, req: Request, change: (DemandRow) -> Void) async throws {
        try requireAllowed(row, action)
        let seen = row.state
        let next = DemandWorkflow.next(row.demandState, action)!
        change(row)
        let answered = action == .assign ? nil : Date()
        try await req.db.transaction { tx in
            let updated = try await tx.sql.raw(
                """
                UPDATE demands SET state = \(bind: next.rawValue), provider_code = \(bind: row.providerCode),
                    fulfilled_resource = \(bind: row.fulfilledResource), fulfilled_grant = \(bind: row.fulfilledGrant),
                    resolution = \(bind: row.resolution), answered_by = \(bind: answered == nil ? row.answeredBy : user.username),
                    answered_at = \(bind: answered ?? row.answeredAt), updated_at = \(bind: Date())
                WHERE id = \(bind: row.id) AND state = \(bind: seen) RETURNING id
                """
            ).all()
            guard !updated.isEmpty else {
                throw AppError.field(.conflict, "invalid_transition", "state", zh: "需求已被他人处理", en: "The demand was answered meanwhile")
            }
            try await event(
                row, action == .fulfil ? "fulfilled" : action == .decline ? "declined" : action == .accept ? "accepted" : "assigned", user: user, note: note,
                on: tx)
        }
        row.state = next.rawValue
        if let answered { row.answeredBy = user.username; row.answeredAt = answered }
        try await audit(row, action.rawValue, req: req)
    }

    /// The requester (and, with `voters`, every department that voted) hears of the answer.
    static func tell(_ row: DemandRow, _ kind: String, zh: String, en: String, voters: Bool, req: Request) async throws {
        var to = [row.requesterCode]
        if voters {
            to += try await DemandVoteRow.query(on: req.db).filter(\.$demandID == (try row.requireID())).all().map(\.departmentCode)
        }
        for department in Set(to) { try await Applications.notify(department, kind, zh: zh, en: en, link: link(row), on: req.db) }
    }
}
