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
}
