import Fluent
import Vapor
import DataBankCore

/// A registered member of the public applies for a 有条件开放 dataset. The application joins the
/// existing flow (``Applications``): the provider reviews it with the same deadline, decision,
/// notifications and grant (items, masks, row scope, expiry); the grant's consumer is the person
/// (`user:<id>`, ``Actor/consumerCode``), so their API key reads the store through ``StoreReading``.
enum OpenApplications {
    struct Input: Content, BoundedText {
        var purpose: String
        /// How the data will be used (who, what for, published how).
        var use: String
        /// Items wanted; empty or absent: all.
        var items: [String]?
        /// Last day of use (YYYY-MM-DD); absent: one year from today.
        var validUntil: String?
        var boundedFields: [(field: String, value: String?, max: Int)] {
            [("purpose", purpose, TextLimit.purpose), ("use", use, TextLimit.note), ("validUntil", validUntil, 32)]
        }
    }

    /// The resource a registered user may apply for: visible, in the catalog and 有条件开放.
    static func applicable(_ code: String, actor: Actor?, on db: any Database) async throws -> ResourceRow {
        guard let resource = try await ResourceRow.query(on: db).filter(\.$code == code).first(), CatalogService.canSee(resource, actor: actor)
        else { throw AppError.notFound("Resource \(code)") }
        guard CatalogService.isInCatalog(resource), resource.openType == OpenType.conditional.rawValue else {
            throw AppError.field(
                .conflict, "not_conditionally_open", "resource", zh: "只有“有条件开放”的数据集需要申请",
                en: "Only conditionally open datasets are applied for")
        }
        return resource
    }

    static func apply(_ input: Input, code: String, by user: User, reviewDays: Int, today: CivilDate, on db: any Database) async throws -> ApplicationRow {
        try AuthorizationGate.authorize(user.actor, .applyForOpenData, department: nil)
        try input.checkLengths()
        let resource = try await applicable(code, actor: user.actor, on: db)
        let store = try await RecordStores.find(resource.code, on: db)
        let scope = try await Applications.askedScope(input.items, nil, nil, resource: resource, layout: store.recordLayout, on: db)
        let until = try input.validUntil.flatMap { $0.isEmpty ? nil : $0 }.map { try Applications.date($0, field: "validUntil") } ?? today.addingYears(1)
        let problems = OpenApplicationRules.problems(purpose: input.purpose, use: input.use, validFrom: today, validUntil: until, today: today)
        if !problems.isEmpty { throw AppError.validation(problems) }
        let consumer = user.actor.consumerCode
        let open = try await ApplicationRow.query(on: db).filter(\.$consumerCode == consumer).filter(\.$resourceCode == resource.code)
            .filter(\.$status ~~ [ApplicationStatus.pending.rawValue, ApplicationStatus.escalated.rawValue]).first()
        if open != nil {
            throw AppError.field(
                .conflict, "already_applied", "resource", zh: "您对该数据集的申请仍在审核中", en: "Your application for this dataset is still being reviewed")
        }
        let row = ApplicationRow()
        row.kind = "resource"
        row.resourceCode = resource.code
        row.providerCode = store.departmentCode; row.consumerCode = consumer
        row.applicantID = try user.requireID(); row.applicantName = user.username
        row.sharingType = SharingType.conditional.rawValue
        row.purpose = input.purpose.trimmingCharacters(in: .whitespacesAndNewlines); row.legalBasis = ""
        row.intendedUse = input.use.trimmingCharacters(in: .whitespacesAndNewlines)
        row.scope = JSONText.encode(scope); row.validFrom = today.iso; row.validUntil = until.iso
        row.status = ApplicationStatus.pending.rawValue
        row.deadline = WorkingDays.add(reviewDays, to: today).iso
        try await db.transaction { tx in
            try await row.create(on: tx)
            let id = try row.requireID()
            try await Applications.event(id, "applied", user.username, row.purpose, on: tx)
            let n = try await NoticeNames.of(department: consumer, resource: row.resourceCode, on: tx)
            try await Applications.notify(
                row.providerCode, "application", zh: "\(n.department.zh) 申请有条件开放数据“\(n.resource.zh)”，请在 \(row.deadline ?? "") 前审核",
                en: "\(n.department.en) applied for the conditionally open “\(n.resource.en)”; decide by \(row.deadline ?? "")",
                link: SiteURL.application(id).path, on: tx)
        }
        return row
    }

    /// The signed-in registered user's applications, newest first.
    static func mine(_ user: User, on db: any Database) async throws -> [ApplicationRow] {
        try await ApplicationRow.query(on: db).filter(\.$consumerCode == user.actor.consumerCode).sort(\.$createdAt, .descending).range(0..<200).all()
    }
}
