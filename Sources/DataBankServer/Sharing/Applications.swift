import Fluent
import SQLKit
import Vapor
import DataBankCore

/// What a consumer asks for, as the API and the apply form send it.
struct ApplicationInput: Content {
    var resource: String
    /// Apply for a verification service of the resource instead of its records.
    var service: String?
    var purpose: String
    var legalBasis: String?
    /// Requested items (columns); empty or absent: all items.
    var items: [String]?
    /// Row scope in query-string form, e.g. `region=440604`.
    var rowFilter: String?
    /// Masks asked per item (`clear`, `mask:mobile`, `generalize:year`, `suppress`, `pseudonym`, `pseudonym:consumer`).
    var masks: [String: String]?
    /// Why an item is asked without its default mask.
    var unmaskReason: String?
    var validFrom: String?
    var validUntil: String
    var app: UUID?
}

extension ApplicationInput: BoundedText {
    var boundedFields: [(field: String, value: String?, max: Int)] {
        [
            ("resource", resource, 64), ("service", service, 64), ("purpose", purpose, TextLimit.purpose), ("legalBasis", legalBasis, TextLimit.note),
            ("rowFilter", rowFilter, TextLimit.note), ("unmaskReason", unmaskReason, TextLimit.note), ("validFrom", validFrom, 32),
            ("validUntil", validUntil, 32)
        ]
    }
}

/// A provider's (or, when overdue, the platform admin's) decision.
struct DecisionInput: Content {
    var decision: String
    var reason: String?
    /// For `approvePart`: fewer items, a narrower row scope, other masks, a shorter period.
    var items: [String]?
    var rowFilter: String?
    var masks: [String: String]?
    var validUntil: String?
}

extension DecisionInput: BoundedText {
    var boundedFields: [(field: String, value: String?, max: Int)] {
        [("decision", decision, 40), ("reason", reason, TextLimit.note), ("rowFilter", rowFilter, TextLimit.note), ("validUntil", validUntil, 32)]
    }
}

/// The application lifecycle: apply → (at once, or reviewed within the deadline) → grant.
/// Load → authorize → validate → act, as everywhere.
enum Applications {
    /// `today`: the day of the application (the demo's timeline files some in the past).
    static func apply(
        _ input: ApplicationInput, by user: User, reviewDays: Int, today: CivilDate = GrantAccess.today(),
        on db: any Database
    ) async throws -> ApplicationRow {
        try AuthorizationGate.authorize(user.actor, .applyForAccess, department: user.departmentCode)
        try input.checkLengths()
        // A resource the applicant may not see is answered exactly as an unknown code.
        guard let resource = try await ResourceRow.query(on: db).filter(\.$code == input.resource).first(),
            CatalogService.canSee(resource, actor: user.actor)
        else {
            throw AppError.notFound("Resource \(input.resource)")
        }
        let store = try await RecordStores.find(resource.code, on: db)
        if store.departmentCode == user.departmentCode {
            throw AppError.field(.conflict, "own_resource", "resource", zh: "本部门的资源无需申请", en: "Your department provides this resource; it needs no application")
        }
        let sharing = SharingType(rawValue: resource.sharingType) ?? .conditional
        var service: VerificationServiceRow?
        if let code = input.service {
            service = try await VerificationServiceRow.query(on: db).filter(\.$code == code).filter(\.$resourceCode == resource.code)
                .filter(\.$retiredAt == nil).first()
            guard service != nil else { throw AppError.notFound("Verification service \(code) of \(resource.code)") }
        }
        let layout = store.recordLayout
        let scope =
            service == nil
            ? try await askedScope(input.items, input.rowFilter, input.masks, resource: resource, layout: layout, on: db)
            : GrantScope(items: [])
        let from = try date(input.validFrom ?? today.iso, field: "validFrom")
        let until = try date(input.validUntil, field: "validUntil")
        // A service is what a 不予共享 resource may still offer: reviewed like a conditional resource.
        let effective: SharingType = service != nil && sharing == .none ? .conditional : sharing
        var problems = SharingPolicy.problems(
            AccessRequest(
                sharing: effective, scope: service == nil ? scope : GrantScope(items: layout.keyNames),
                validFrom: from, validUntil: until, purpose: input.purpose,
                legalBasis: input.legalBasis ?? ""), layout: layout, today: today)
        let defaults = try await GrantAccess.defaultMasks(resource: resource, on: db)
        if scope.masks.contains(where: { Masker.isUnmasking($0.value, comparedTo: defaults[$0.key] ?? .clear) }),
            (input.unmaskReason ?? "").trimmingCharacters(in: .whitespaces).isEmpty
        {
            problems.append(
                FieldError(
                    field: "unmaskReason", code: "unmask_reason_required", message: "申请不脱敏提供敏感数据项须说明理由",
                    messageEn: "Asking for a sensitive item without its default mask needs a reason (unmaskReason)"))
        }
        if let app = input.app, try await AppRow.query(on: db).filter(\.$id == app).filter(\.$departmentCode == user.departmentCode).first() == nil {
            problems.append(FieldError(field: "app", code: "unknown_app", message: "本部门没有这个应用", messageEn: "No such app in your department"))
        }
        if let first = problems.first {
            let status: HTTPResponseStatus = problems.contains { $0.code == "not_shareable" } ? .forbidden : .unprocessableEntity
            throw AppError(status, first.code, problems.map(\.messageEn).joined(separator: "; "), details: problems)
        }
        let row = ApplicationRow()
        row.kind = service == nil ? "resource" : "service"
        row.resourceCode = resource.code; row.serviceCode = service?.code
        row.providerCode = store.departmentCode; row.consumerCode = user.departmentCode
        row.applicantID = try user.requireID(); row.applicantName = user.username; row.appID = input.app
        row.sharingType = effective.rawValue; row.purpose = input.purpose; row.legalBasis = input.legalBasis ?? ""
        row.scope = JSONText.encode(scope); row.validFrom = from.iso; row.validUntil = until.iso
        row.unmaskReason = input.unmaskReason.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        row.status = ApplicationStatus.pending.rawValue
        row.deadline = WorkingDays.add(reviewDays, to: today).iso
        try await db.transaction { tx in
            try await row.create(on: tx)
            let id = try row.requireID()
            try await event(id, "applied", user.username, input.purpose, on: tx)
            if SharingPolicy.approvesAtOnce(effective) {
                row.deadline = nil
                try await settle(
                    row, .approve, scope: scope, until: until.iso, reason: nil, unmaskReason: row.unmaskReason,
                    by: "system", action: "approvedAtOnce", on: tx)
            } else {
                let n = try await NoticeNames.of(department: row.consumerCode, resource: row.resourceCode, on: tx)
                try await notify(
                    row.providerCode, "application", zh: "\(n.department.zh) 申请“\(n.resource.zh)”，请在 \(row.deadline ?? "") 前审核",
                    en: "\(n.department.en) applied for “\(n.resource.en)”; decide by \(row.deadline ?? "")", link: SiteURL.application(id).path, on: tx)
            }
        }
        return row
    }

    /// Approve, approve part, or reject — once.
    static func decide(
        _ row: ApplicationRow, _ input: DecisionInput, by user: User, countersign: Bool, today: CivilDate = GrantAccess.today(), on db: any Database
    ) async throws {
        try input.checkLengths()
        if countersign {
            try AuthorizationGate.authorize(user.actor, .countersign, department: nil)
            guard row.isOverdue(today: today) || row.applicationStatus == .escalated else {
                throw AppError(.conflict, "not_overdue", "Only an overdue or escalated application is countersigned by the platform")
            }
        } else {
            try AuthorizationGate.authorize(user.actor, .reviewApplication, department: row.providerCode)
        }
        guard let kind = DecisionKind(rawValue: input.decision) else {
            throw AppError.field(
                .badRequest, "invalid_decision", "decision", zh: "决定为 approve、approvePart 或 reject", en: "decision is approve, approvePart or reject")
        }
        let store = try await RecordStores.find(row.resourceCode, on: db)
        let asked = row.askedScope
        var grantedScope: GrantScope? = nil
        var grantedUntil: CivilDate? = nil
        if kind != .reject {
            if row.kind == "resource", kind == .approvePart, let resource = try await ResourceRow.query(on: db).filter(\.$code == row.resourceCode).first() {
                grantedScope = try await askedScope(
                    input.items ?? asked.items, input.rowFilter ?? filterText(asked.rowFilter),
                    input.masks ?? asked.masks.mapValues(\.text), resource: resource, layout: store.recordLayout,
                    strictMasks: input.masks != nil, on: db)
            } else {
                grantedScope = asked
            }
            grantedUntil = try date(input.validUntil ?? row.validUntil, field: "validUntil")
        }
        let (granted, until) = (grantedScope, grantedUntil)
        let askedUntil = try date(row.validUntil, field: "validUntil")
        if let problem = SharingPolicy.checkDecision(
            kind, current: row.applicationStatus, asked: asked, askedUntil: askedUntil,
            granted: granted, grantedUntil: until, reason: input.reason)
        {
            let status: HTTPResponseStatus =
                problem.code == "already_decided" ? .conflict : problem.code == "reason_required" ? .badRequest : .unprocessableEntity
            throw AppError(status, problem.code, problem.messageEn, details: [problem])
        }
        try await db.transaction { tx in
            try await settle(
                row, kind, scope: granted ?? asked, until: until?.iso ?? row.validUntil, reason: input.reason, unmaskReason: row.unmaskReason,
                by: user.username, action: countersign ? "countersigned:\(kind.rawValue)" : kind.rawValue, on: tx)
        }
    }

    /// Records the decision and, unless rejected, creates the grant.
    static func settle(
        _ row: ApplicationRow, _ kind: DecisionKind, scope: GrantScope, until: String, reason: String?, unmaskReason: String?,
        by actor: String, action: String, on db: any Database
    ) async throws {
        let id = try row.requireID()
        row.status = SharingPolicy.status(after: kind).rawValue
        row.decidedBy = actor; row.decidedAt = Date(); row.decisionReason = reason
        if kind != .reject {
            row.grantedScope = JSONText.encode(scope); row.grantedUntil = until
            let grant = GrantRow()
            grant.applicationID = id; grant.kind = row.kind; grant.resourceCode = row.resourceCode; grant.serviceCode = row.serviceCode
            grant.providerCode = row.providerCode; grant.consumerCode = row.consumerCode; grant.scope = JSONText.encode(scope)
            grant.unmaskReason = unmaskReason; grant.validFrom = row.validFrom; grant.validUntil = until
            try await grant.create(on: db)
            if let app = row.appID { try await AppGrantRow(appID: app, grantID: try grant.requireID()).create(on: db) }
        }
        try await row.save(on: db)
        try await event(id, action, actor, reason, on: db)
        let verdict = kind == .reject ? ("未获批准", "rejected") : kind == .approvePart ? ("部分批准", "partly approved") : ("已批准", "approved")
        let n = try await NoticeNames.of(department: row.providerCode, resource: row.resourceCode, on: db)
        try await notify(
            row.consumerCode, "decision", zh: "对“\(n.resource.zh)”的申请\(verdict.0)", en: "Your application for “\(n.resource.en)” was \(verdict.1)",
            link: SiteURL.application(id).path, on: db)
    }

    static func escalate(_ row: ApplicationRow, note: String?, by user: User, on db: any Database) async throws {
        try AuthorizationGate.authorize(user.actor, .countersign, department: nil)
        guard row.applicationStatus == .pending else { throw AppError(.conflict, "already_decided", "Only a pending application can be escalated") }
        row.status = ApplicationStatus.escalated.rawValue; row.escalatedAt = Date()
        try await db.transaction { tx in
            try await row.save(on: tx)
            try await event(try row.requireID(), "escalated", user.username, note, on: tx)
            let n = try await NoticeNames.of(department: row.consumerCode, resource: row.resourceCode, on: tx)
            try await notify(
                row.providerCode, "escalation", zh: "\(n.department.zh) 对“\(n.resource.zh)”的共享申请已超期并被督办",
                en: "\(n.department.en)'s overdue application for “\(n.resource.en)” was escalated",
                link: SiteURL.application(try row.requireID()).path, on: tx)
        }
    }

    static func withdraw(_ row: ApplicationRow, by user: User, on db: any Database) async throws {
        guard user.actor.consumerCode == row.consumerCode || user.role == .platformAdmin else {
            throw AppError(.forbidden, "forbidden", "Only the applying department withdraws its application")
        }
        guard [.pending, .escalated].contains(row.applicationStatus) else { throw AppError(.conflict, "already_decided", "The application is already decided") }
        row.status = ApplicationStatus.withdrawn.rawValue
        try await db.transaction { tx in
            try await row.save(on: tx)
            try await event(try row.requireID(), "withdrawn", user.username, nil, on: tx)
        }
    }

    static func revoke(_ grant: GrantRow, reason: String?, by user: User, on db: any Database) async throws {
        try AuthorizationGate.authorize(user.actor, .reviewApplication, department: grant.providerCode)
        guard grant.revokedAt == nil else { throw AppError(.conflict, "already_revoked", "The grant is already revoked") }
        guard let reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw AppError.field(.badRequest, "reason_required", "reason", zh: "撤销授权须说明理由", en: "Revoking a grant needs a reason")
        }
        grant.revokedAt = Date(); grant.revokedBy = user.username; grant.revokeReason = reason
        try await db.transaction { tx in
            try await grant.save(on: tx)
            try await event(grant.applicationID, "revoked", user.username, reason, on: tx)
            let n = try await NoticeNames.of(department: grant.providerCode, resource: grant.resourceCode, on: tx)
            try await notify(
                grant.consumerCode, "revocation", zh: "对“\(n.resource.zh)”的授权已撤销：\(reason)", en: "Your grant on “\(n.resource.en)” was revoked: \(reason)",
                link: SiteURL.application(grant.applicationID).path, on: tx)
        }
    }

    // MARK: Parts

    /// The scope asked for: items (all when none), row filter, masks (defaults filled in for every item).
    static func askedScope(
        _ items: [String]?, _ rowFilter: String?, _ masks: [String: String]?, resource: ResourceRow,
        layout: RecordLayout, strictMasks: Bool = true, on db: any Database
    ) async throws -> GrantScope {
        let chosen = (items ?? []).isEmpty ? layout.columns.map(\.name) : items!
        let filter: [ScopeCondition]
        switch GrantScope.parseFilter(rowFilter ?? "", layout: layout) {
        case .success(let f): filter = f
        case .failure(let e):
            throw AppError(
                .unprocessableEntity, e.code == "unknown_filter" ? "unknown_item" : e.code, e.messageEn,
                details: [FieldError(field: "rowFilter", code: e.code, message: e.message, messageEn: e.messageEn)])
        }
        var rules = try await GrantAccess.defaultMasks(resource: resource, on: db)
        for (column, text) in masks ?? [:] {
            do { rules[column] = try MaskRule(parsing: text) } catch {
                throw AppError(
                    .unprocessableEntity, error.code, error.messageEn,
                    details: [FieldError(field: "masks.\(column)", code: error.code, message: error.message, messageEn: error.messageEn)])
            }
        }
        let visible = Set(chosen + layout.keyNames)
        // Every visible item carries its rule; an asked mask on an item not asked for is an error
        // when applying, and simply falls away when a decision grants fewer items.
        let scope = GrantScope(
            items: chosen, rowFilter: filter,
            masks: rules.filter { visible.contains($0.key) || (strictMasks && masks?[$0.key] != nil) })
        let problems = scope.validate(against: layout)
        if let first = problems.first { throw AppError(.unprocessableEntity, first.code, problems.map(\.messageEn).joined(separator: "; "), details: problems) }
        return scope
    }

    static func filterText(_ conditions: [ScopeCondition]) -> String {
        conditions.map { c in
            c.op == .eq ? "\(c.column)=\(c.values.joined(separator: ","))" : "\(c.column)__\(c.op.rawValue)=\(c.values.joined(separator: ","))"
        }
        .joined(separator: "&")
    }

    static func date(_ text: String, field: String) throws -> CivilDate {
        guard let d = DateParsing.date(text) else {
            throw AppError.field(.badRequest, "invalid_date", field, zh: "\(field) 应为日期（YYYY-MM-DD）", en: "\(field) must be a date (YYYY-MM-DD)")
        }
        return d
    }

    static func event(_ id: UUID, _ action: String, _ actor: String, _ note: String?, on db: any Database) async throws {
        try await ApplicationEventRow(applicationID: id, action: action, actorName: actor, note: note).create(on: db)
    }

    static func notify(_ department: String, _ kind: String, zh: String, en: String, link: String?, on db: any Database) async throws {
        try await NotificationRow(departmentCode: department, kind: kind, text: zh, textEn: en, link: link).create(on: db)
    }
}

/// The names a notification speaks of (a department, a resource), in both languages, looked up
/// when it is written: people read names, not codes; the code stays in the link.
enum NoticeNames {
    struct Pair { var zh: String; var en: String }

    static func of(department: String, resource: String, on db: any Database) async throws -> (department: Pair, resource: Pair) {
        if let peer = try await PeerDepartments.pair(department, on: db) {
            // A department of a peer node: named by its node and its own name.
            let r = try await ResourceRow.query(on: db).filter(\.$code == resource).first()
            return (
                Pair(zh: peer.zh, en: peer.en),
                Pair(zh: r.map { "\($0.name)（\(resource)）" } ?? resource, en: r.map { "\($0.nameEn ?? $0.name) (\(resource))" } ?? resource)
            )
        }
        if department.hasPrefix(Actor.publicConsumerPrefix) {
            // A registered member of the public: named by their username.
            let id = UUID(uuidString: String(department.dropFirst(Actor.publicConsumerPrefix.count)))
            var name: String?
            if let id { name = try await User.find(id, on: db)?.username }
            let r = try await ResourceRow.query(on: db).filter(\.$code == resource).first()
            return (
                Pair(zh: "注册用户 \(name ?? department)", en: "Registered user \(name ?? department)"),
                Pair(zh: r.map { "\($0.name)（\(resource)）" } ?? resource, en: r.map { "\($0.nameEn ?? $0.name) (\(resource))" } ?? resource)
            )
        }
        let d = try await Department.query(on: db).filter(\.$code == department).first()
        let r = try await ResourceRow.query(on: db).filter(\.$code == resource).first()
        return (
            Pair(zh: d?.name ?? department, en: d?.nameEn ?? department),
            Pair(zh: r.map { "\($0.name)（\(resource)）" } ?? resource, en: r.map { "\($0.nameEn ?? $0.name) (\(resource))" } ?? resource)
        )
    }
}
