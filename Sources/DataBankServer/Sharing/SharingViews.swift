import Vapor
import DataBankCore

/// An application as the API shows it.
struct ApplicationInfo: Content {
    var id: UUID?
    var kind: String
    var resource: String
    var service: String?
    var provider: String
    var consumer: String
    var applicant: String
    var sharingType: String
    var purpose: String
    var legalBasis: String
    /// A registered member of the public's account of how the data will be used (有条件开放).
    var intendedUse: String?
    var scope: GrantScope
    var unmaskReason: String?
    var validFrom: String
    var validUntil: String
    var status: String
    var deadline: String?
    var overdue: Bool
    var decidedBy: String?
    var decidedAt: Date?
    var reason: String?
    var grantedScope: GrantScope?
    var grantedUntil: String?
    var createdAt: Date?
    var events: [EventInfo]?
    var grant: GrantInfo?

    init(_ r: ApplicationRow, events: [EventInfo]?, grant: GrantInfo?, today: CivilDate) {
        id = r.id; kind = r.kind; resource = r.resourceCode; service = r.serviceCode; provider = r.providerCode; consumer = r.consumerCode
        applicant = r.applicantName; sharingType = r.sharingType; purpose = r.purpose; legalBasis = r.legalBasis; scope = r.askedScope
        intendedUse = r.intendedUse
        unmaskReason = r.unmaskReason
        validFrom = r.validFrom; validUntil = r.validUntil; status = r.status; deadline = r.deadline
        overdue = r.isOverdue(today: today)
        decidedBy = r.decidedBy; decidedAt = r.decidedAt; reason = r.decisionReason
        grantedScope = r.grantedScope.flatMap { JSONText.decode(GrantScope.self, $0) }; grantedUntil = r.grantedUntil
        createdAt = r.createdAt; self.events = events; self.grant = grant
    }
}

struct EventInfo: Content {
    var action: String, actor: String, note: String?, at: Date?
    init(_ e: ApplicationEventRow) { action = e.action; actor = e.actorName; note = e.note; at = e.at }
}

struct GrantInfo: Content {
    var id: UUID?
    var application: UUID
    var kind: String
    var resource: String
    var service: String?
    var provider: String
    var consumer: String
    var scope: GrantScope
    var unmaskReason: String?
    var validFrom: String
    var validUntil: String
    var state: String
    var revokedBy: String?
    var revokeReason: String?

    init(_ g: GrantRow, today: String) {
        id = g.id; application = g.applicationID; kind = g.kind; resource = g.resourceCode; service = g.serviceCode
        provider = g.providerCode; consumer = g.consumerCode; scope = g.grantScope; unmaskReason = g.unmaskReason
        validFrom = g.validFrom; validUntil = g.validUntil; state = g.state(today: today); revokedBy = g.revokedBy; revokeReason = g.revokeReason
    }
}

struct NotificationInfo: Content {
    var id: UUID?, kind: String, text: String, textEn: String, link: String?, at: Date?, read: Bool
    init(_ n: NotificationRow) { id = n.id; kind = n.kind; text = n.text; textEn = n.textEn; link = n.link; at = n.createdAt; read = n.readAt != nil }
}

struct AppInfo: Content {
    var id: UUID?, department: String, name: String, prefix: String, ratePerMinute: Int, grants: [UUID], revoked: Bool
    /// Shown once, when the app is created.
    var token: String?
    init(_ a: AppRow, grants: [UUID], token: String?) {
        id = a.id; department = a.departmentCode; name = a.name; prefix = a.prefix; ratePerMinute = a.ratePerMinute
        self.grants = grants; revoked = a.revokedAt != nil; self.token = token
    }
}
