import Fluent
import Vapor
import DataBankCore

/// 我的数据 in the demo city: the human resources bureau shows residents their social-insurance
/// contributions, the housing fund its accounts, market regulation an enterprise its registration —
/// each with the items and masks its provider chose. The demo's residents (``DemoSubjects``) have
/// records in both, from the school-admission story.
enum DemoMyData {
    static func load(on db: any Database) async throws {
        try await show(
            DemoJointChecks.insurance, subject: "id_number", kind: .resident,
            [
                "id_number": .mask(.residentID), "person_name": .clear, "social_security_no": .mask(.bankCard), "org_name": .clear,
                "insured_type": .clear, "contribution_month": .clear, "contribution_base": .clear, "employer_contribution": .clear,
                "personal_contribution": .clear, "insured_status": .clear
            ], on: db)
        try await show(
            DemoJointChecks.fund, subject: "id_number", kind: .resident,
            [
                "fund_account": .mask(.bankCard), "id_number": .mask(.residentID), "person_name": .clear, "org_name": .clear, "deposit_base": .clear,
                "deposit_ratio": .clear, "monthly_deposit": .clear, "fund_balance": .clear, "account_status": .clear
            ], on: db)
        try await show(
            DemoJointChecks.enterprises, subject: "credit_code", kind: .enterprise,
            ["credit_code": .clear, "enterprise_name": .clear, "legal_rep": .mask(.name), "business_status": .clear, "registered_capital": .clear],
            on: db)
    }

    /// Marks a demo resource subject-visible with the items of `masks` its store has.
    static func show(_ name: String, subject: String, kind: SubjectKind, _ masks: [String: MaskRule], on db: any Database) async throws {
        guard let store = try await DemoSharing.store(name, db), store.recordLayout.column(named: subject) != nil else { return }
        let shown = masks.filter { store.recordLayout.column(named: $0.key) != nil }
        try await SubjectViews.set(SubjectView(subjectColumn: subject, kind: kind, masks: shown), store: store, by: "demo", on: db)
    }

    /// The school-admission window checks its first demo applicant once, on the demo's first start —
    /// the joint check's own runner and audit (``JointCheckRunner``), as the window page runs it — so the
    /// demo resident's "who looked at my data" shows the departments that answered.
    static func windowCheck(_ app: Application) async throws {
        let db = app.db
        guard let row = try await JointCheckRow.query(on: db).filter(\.$code == "school-admission").first(), let check = row.check,
            let clerk = try await User.query(on: db).filter(\.$username == "jyj_steward").first(),
            let resident = try await DemoSubjects.all(on: db).first(where: { $0.kind == .resident })
        else { return }
        let runner = JointCheckRunner(app: app, actor: clerk.actor, appPrincipal: nil, caller: clerk.departmentCode, read: db.sql)
        let applicant = Dictionary(uniqueKeysWithValues: check.form.map { ($0.name, $0.kind == .residentID ? resident.key : "") })
            .filter { !$0.value.isEmpty }
        let steps = try await runner.run(check, applicant: applicant)
        let context = JointCheckRunner.AuditContext(
            who: AuditLog.Who(kind: "user", id: clerk.id?.uuidString, name: clerk.username, departmentCode: clerk.departmentCode),
            purpose: "义务教育积分入学资格审核", requestID: UUID().uuidString, hash: "",
            subjects: AuditSubjects.applicant(check, applicant, trail: app.auditTrail))
        try await JointCheckRunner.audit(steps.map(\.audited), check: check, applicants: 1, context, app: app)
    }
}
