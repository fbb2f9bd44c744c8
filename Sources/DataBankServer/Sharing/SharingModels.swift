import Fluent
import Foundation
import DataBankCore

/// An application for access (共享申请): a consumer department asks a provider for part of a
/// resource, or for a verification service, for a purpose, under a legal basis, for a period.
final class ApplicationRow: Model, @unchecked Sendable {
    static let schema = "access_applications"
    @ID(key: .id) var id: UUID?
    /// `resource` or `service`.
    @Field(key: "kind") var kind: String
    @Field(key: "resource_code") var resourceCode: String
    @OptionalField(key: "service_code") var serviceCode: String?
    @Field(key: "provider_code") var providerCode: String
    @Field(key: "consumer_code") var consumerCode: String
    @Field(key: "applicant_id") var applicantID: UUID
    @Field(key: "applicant_name") var applicantName: String
    @OptionalField(key: "app_id") var appID: UUID?
    @Field(key: "sharing_type") var sharingType: String
    @Field(key: "purpose") var purpose: String
    @Field(key: "legal_basis") var legalBasis: String
    /// The asked scope (``GrantScope`` JSON).
    @Field(key: "scope") var scope: String
    /// Why an item is asked without its default mask; carried into the grant.
    @OptionalField(key: "unmask_reason") var unmaskReason: String?
    @Field(key: "valid_from") var validFrom: String
    @Field(key: "valid_until") var validUntil: String
    @Field(key: "status") var status: String
    /// Last working day for the provider's decision (有条件共享).
    @OptionalField(key: "deadline") var deadline: String?
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "decision_reason") var decisionReason: String?
    @OptionalField(key: "granted_scope") var grantedScope: String?
    @OptionalField(key: "granted_until") var grantedUntil: String?
    @OptionalField(key: "escalated_at") var escalatedAt: Date?
    /// How a registered member of the public will use 有条件开放 data (migration 017; nil for departments).
    @OptionalField(key: "intended_use") var intendedUse: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    var askedScope: GrantScope { JSONText.decode(GrantScope.self, scope) ?? GrantScope(items: []) }
    var applicationStatus: ApplicationStatus { ApplicationStatus(rawValue: status) ?? .pending }

    /// Pending past its deadline (dates are `YYYY-MM-DD`, so they compare as text, as in SQL).
    func isOverdue(today: CivilDate) -> Bool {
        applicationStatus == .pending && (deadline.map { $0 < today.iso } ?? false)
    }
}

/// One step in an application's history: applied, decided, countersigned, escalated, revoked…
final class ApplicationEventRow: Model, @unchecked Sendable {
    static let schema = "application_events"
    @ID(key: .id) var id: UUID?
    @Field(key: "application_id") var applicationID: UUID
    @Field(key: "action") var action: String
    @Field(key: "actor_name") var actorName: String
    @OptionalField(key: "note") var note: String?
    @Timestamp(key: "at", on: .create) var at: Date?
    init() {}
    init(applicationID: UUID, action: String, actorName: String, note: String?) {
        self.applicationID = applicationID; self.action = action; self.actorName = actorName; self.note = note
    }
}

/// A grant: what one consumer department may read of one resource (or call of one service),
/// until when. Every grant comes from a decided application.
final class GrantRow: Model, @unchecked Sendable {
    static let schema = "grants"
    @ID(key: .id) var id: UUID?
    @Field(key: "application_id") var applicationID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "resource_code") var resourceCode: String
    @OptionalField(key: "service_code") var serviceCode: String?
    @Field(key: "provider_code") var providerCode: String
    @Field(key: "consumer_code") var consumerCode: String
    @Field(key: "scope") var scope: String
    /// Why a sensitive item is unmasked, when the scope unmasks one.
    @OptionalField(key: "unmask_reason") var unmaskReason: String?
    @Field(key: "valid_from") var validFrom: String
    @Field(key: "valid_until") var validUntil: String
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "revoked_by") var revokedBy: String?
    @OptionalField(key: "revoke_reason") var revokeReason: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    var grantScope: GrantScope { JSONText.decode(GrantScope.self, scope) ?? GrantScope(items: []) }

    /// `active`, `expired`, `revoked` or `notYetValid` on `today` (a civil date in the city's zone).
    func state(today: String) -> String {
        if revokedAt != nil { return "revoked" }
        if today > validUntil { return "expired" }
        if today < validFrom { return "notYetValid" }
        return "active"
    }
}

/// A department's API app: its own credential, bound to some of the department's grants, rate-limited.
final class AppRow: Model, @unchecked Sendable {
    static let schema = "api_apps"
    @ID(key: .id) var id: UUID?
    @Field(key: "department_code") var departmentCode: String
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "prefix") var prefix: String
    /// Requests per minute (token bucket: this many at once, refilled evenly).
    @Field(key: "rate_per_minute") var ratePerMinute: Int
    @Field(key: "created_by") var createdBy: String
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// Which grants an app may use.
final class AppGrantRow: Model, @unchecked Sendable {
    static let schema = "app_grants"
    @ID(key: .id) var id: UUID?
    @Field(key: "app_id") var appID: UUID
    @Field(key: "grant_id") var grantID: UUID
    init() {}
    init(appID: UUID, grantID: UUID) { self.appID = appID; self.grantID = grantID }
}

/// A verification service (核验服务): a yes/no, count band or category answer over a resource.
final class VerificationServiceRow: Model, @unchecked Sendable {
    static let schema = "verification_services"
    @ID(key: .id) var id: UUID?
    /// URL name, e.g. `first-home`.
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @OptionalField(key: "name_en") var nameEn: String?
    @Field(key: "resource_code") var resourceCode: String
    @Field(key: "provider_code") var providerCode: String
    @Field(key: "spec") var spec: String
    @OptionalField(key: "retired_at") var retiredAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    var verificationSpec: VerificationSpec? { JSONText.decode(VerificationSpec.self, spec) }
}

/// An in-app notification to a department (and by mail when SMTP is configured).
final class NotificationRow: Model, @unchecked Sendable {
    static let schema = "notifications"
    @ID(key: .id) var id: UUID?
    @Field(key: "department_code") var departmentCode: String
    @Field(key: "kind") var kind: String
    @Field(key: "text") var text: String
    @Field(key: "text_en") var textEn: String
    @OptionalField(key: "link") var link: String?
    @OptionalField(key: "read_at") var readAt: Date?
    @OptionalField(key: "mailed_at") var mailedAt: Date?
    @OptionalField(key: "mail_error") var mailError: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
    init(departmentCode: String, kind: String, text: String, textEn: String, link: String?) {
        self.departmentCode = departmentCode; self.kind = kind; self.text = text; self.textEn = textEn; self.link = link
    }
}
