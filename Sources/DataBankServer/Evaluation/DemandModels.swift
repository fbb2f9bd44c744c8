import Fluent
import Vapor
import DataBankCore

/// A data demand (数据需求): what a department (or a registered member of the public) needs, routed to
/// the provider that could give it, answered within working days.
final class DemandRow: Model, @unchecked Sendable {
    static let schema = "demands"
    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "reason") var reason: String
    /// The items wanted, in the requester's words.
    @Field(key: "items") var items: String
    /// Standard data elements (codes) the items should follow, as a JSON array.
    @Field(key: "standards") var standards: String
    @OptionalField(key: "theme") var theme: String?
    @Field(key: "urgency") var urgency: String
    /// The provider department; nil while the data authority has not assigned one.
    @OptionalField(key: "provider_code") var providerCode: String?
    @Field(key: "state") var state: String
    /// The requesting department, or `user:<id>` for a registered member of the public.
    @Field(key: "requester_code") var requesterCode: String
    @Field(key: "requester_id") var requesterID: UUID
    @Field(key: "requester_name") var requesterName: String
    /// The answer's due day (`YYYY-MM-DD`).
    @Field(key: "due") var due: String
    @OptionalField(key: "fulfilled_resource") var fulfilledResource: String?
    @OptionalField(key: "fulfilled_grant") var fulfilledGrant: UUID?
    /// The provider's note on fulfilment, or the reason it cannot be met (required then).
    @OptionalField(key: "resolution") var resolution: String?
    @OptionalField(key: "answered_by") var answeredBy: String?
    @OptionalField(key: "answered_at") var answeredAt: Date?
    @Field(key: "vote_count") var voteCount: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    var demandState: DemandState { DemandState(rawValue: state) ?? .pending }
    var standardCodes: [String] { JSONText.decode([String].self, standards) ?? [] }
    func isOverdue(today: CivilDate) -> Bool { DemandWorkflow.isOverdue(state: demandState, due: DateParsing.date(due), today: today) }
}

/// One step of a demand's history: registered, assigned, accepted, fulfilled, declined, voted.
final class DemandEventRow: Model, @unchecked Sendable {
    static let schema = "demand_events"
    @ID(key: .id) var id: UUID?
    @Field(key: "demand_id") var demandID: UUID
    @Field(key: "action") var action: String
    @Field(key: "actor_name") var actorName: String
    @OptionalField(key: "department_code") var departmentCode: String?
    @OptionalField(key: "note") var note: String?
    @Timestamp(key: "at", on: .create) var at: Date?
    init() {}
    init(demandID: UUID, action: String, actorName: String, departmentCode: String?, note: String?) {
        self.demandID = demandID; self.action = action; self.actorName = actorName; self.departmentCode = departmentCode; self.note = note
    }
}

/// "我也需要": a department's vote for another's demand (one per department, unique in the database).
final class DemandVoteRow: Model, @unchecked Sendable {
    static let schema = "demand_votes"
    @ID(key: .id) var id: UUID?
    @Field(key: "demand_id") var demandID: UUID
    @Field(key: "department_code") var departmentCode: String
    @Field(key: "voter_name") var voterName: String
    @OptionalField(key: "note") var note: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// A demand as the API answers it.
struct DemandInfo: Content {
    struct Event: Content { var action: String; var actor: String; var department: String?; var note: String?; var at: Date? }
    struct Vote: Content { var department: String; var voter: String; var note: String?; var at: Date? }

    var id: UUID?
    var title: String
    var reason: String
    var items: String
    var standards: [String]
    var theme: String?
    var urgency: String
    var provider: String?
    var state: String
    var requester: String
    var requesterName: String
    var due: String
    var overdue: Bool
    var fulfilledResource: String?
    var fulfilledGrant: UUID?
    var resolution: String?
    var answeredBy: String?
    var answeredAt: Date?
    var votes: Int
    var createdAt: Date?
    /// Existing resources that may already answer it (on registration and on the demand's own answer).
    var suggestions: [DemandSuggestion]?
    var events: [Event]?
    var voters: [Vote]?

    init(_ r: DemandRow, today: CivilDate, suggestions: [DemandSuggestion]? = nil, events: [DemandEventRow]? = nil, votes: [DemandVoteRow]? = nil) {
        id = r.id; title = r.title; reason = r.reason; items = r.items; standards = r.standardCodes; theme = r.theme; urgency = r.urgency
        provider = r.providerCode; state = r.state; requester = r.requesterCode; requesterName = r.requesterName; due = r.due
        overdue = r.isOverdue(today: today); fulfilledResource = r.fulfilledResource; fulfilledGrant = r.fulfilledGrant
        resolution = r.resolution; answeredBy = r.answeredBy; answeredAt = r.answeredAt; self.votes = r.voteCount; createdAt = r.createdAt
        self.suggestions = suggestions
        self.events = events?.map { Event(action: $0.action, actor: $0.actorName, department: $0.departmentCode, note: $0.note, at: $0.at) }
        voters = votes?.map { Vote(department: $0.departmentCode, voter: $0.voterName, note: $0.note, at: $0.createdAt) }
    }
}

/// A resource the catalog search found for a demand's words.
struct DemandSuggestion: Content, Equatable {
    var code: String
    var name: String
    var nameEn: String?
    var department: String
    var status: String
}

extension DemandCounts: Content {}
