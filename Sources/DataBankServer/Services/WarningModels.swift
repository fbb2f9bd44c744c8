import Fluent
import Vapor
import DataBankCore

extension WarningRule: Content {}
extension WarningValue: Content {}

/// A saved warning rule (``WarningRule`` as JSON), owned by the department that set it up, with how far
/// through its store's change log it has been evaluated.
final class WarningRuleRow: Model, @unchecked Sendable {
    static let schema = "warning_rules"
    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @OptionalField(key: "name_en") var nameEn: String?
    @Field(key: "department_code") var departmentCode: String
    @Field(key: "resource_code") var resourceCode: String
    @Field(key: "definition") var definition: String
    @Field(key: "cursor") var cursor: Int
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @OptionalField(key: "retired_at") var retiredAt: Date?
    init() {}

    init(_ rule: WarningRule, department: String, createdBy: String, cursor: Int) {
        code = rule.code; name = rule.name; nameEn = rule.nameEn; departmentCode = department; resourceCode = rule.resource
        definition = JSONText.encode(rule); self.createdBy = createdBy; self.cursor = cursor
    }

    var rule: WarningRule? { JSONText.decode(WarningRule.self, definition) }
}

/// A warning: a rule fired for an entity (later firings within the rule's window merged into it).
/// `values` are as the rule read them; readers see them through their own view (``WarningViews``).
final class WarningRow: Model, @unchecked Sendable {
    static let schema = "warnings"
    @ID(key: .id) var id: UUID?
    @Field(key: "seq") var seq: Int
    @Field(key: "rule_code") var ruleCode: String
    @Field(key: "resource_code") var resourceCode: String
    @Field(key: "entity") var entity: String
    @Field(key: "state") var state: String
    @Field(key: "warning_values") var values: String
    @Field(key: "firings") var firings: Int
    @Field(key: "change_seq") var changeSeq: Int
    @Field(key: "first_fired_at") var firstFiredAt: Date
    @Field(key: "last_fired_at") var lastFiredAt: Date
    @OptionalField(key: "assigned_to") var assignedTo: String?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    var warningState: WarningState { WarningState(rawValue: state) ?? .open }
    var warningValues: [WarningValue] { JSONText.decode([WarningValue].self, values) ?? [] }
}

/// What a subscriber did with a warning.
final class WarningEventRow: Model, @unchecked Sendable {
    static let schema = "warning_events"
    @ID(key: .id) var id: UUID?
    @Field(key: "warning_id") var warningID: UUID
    @Field(key: "action") var action: String
    @Field(key: "by_user") var byUser: String
    @Field(key: "department_code") var departmentCode: String
    @OptionalField(key: "assigned_to") var assignedTo: String?
    @OptionalField(key: "note") var note: String?
    @Field(key: "at") var at: Date
    init() {}
}

/// A department's webhook for its warnings: each new warning (as the hook's owner may see it) is POSTed,
/// signed with the secret, in the order raised; the cursor moves on a 2xx only (at least once).
final class WarningHookRow: Model, @unchecked Sendable {
    static let schema = "warning_hooks"
    @ID(key: .id) var id: UUID?
    @Field(key: "department_code") var departmentCode: String
    @Field(key: "owner_id") var ownerID: UUID
    @Field(key: "owner_name") var ownerName: String
    @Field(key: "url") var url: String
    @Field(key: "secret") var secret: String
    @Field(key: "cursor") var cursor: Int
    /// active | paused
    @Field(key: "status") var status: String
    @Field(key: "failures") var failures: Int
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "lease_until") var leaseUntil: Date?
    @OptionalField(key: "last_delivered_at") var lastDeliveredAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// A warning rule as the API answers it.
struct WarningRuleInfo: Content {
    var code: String
    var name: String
    var nameEn: String?
    var department: String
    var resource: String
    var definition: WarningRule
    /// The change-log position evaluated up to.
    var cursor: Int
    var createdAt: Date?

    init?(_ row: WarningRuleRow) {
        guard let rule = row.rule else { return nil }
        code = row.code; name = row.name; nameEn = row.nameEn; department = row.departmentCode; resource = row.resourceCode
        definition = rule; cursor = row.cursor; createdAt = row.createdAt
    }
}

/// A warning as one reader sees it: the values their view of the store shows (`withheld`: how many it hides).
struct WarningInfo: Content {
    var id: UUID
    var seq: Int
    var rule: String
    var ruleName: String
    var ruleNameEn: String?
    var resource: String
    /// The entity's values as the reader sees them, joined by `|` (masked where their view masks).
    var entity: String
    var state: String
    var values: [WarningValue]
    var withheld: Int
    var firings: Int
    var firstFiredAt: Date
    var lastFiredAt: Date
    var assignedTo: String?
    var events: [Event]?

    struct Event: Content {
        var action: String
        var by: String
        var department: String
        var assignedTo: String?
        var note: String?
        var at: Date
    }
}

/// `POST /api/v1/warnings/{id}/{ack|assign|close}`: `to` names the user a warning is assigned to.
struct WarningActionBody: Content, BoundedText {
    var to: String?
    var note: String?
    var boundedFields: [(field: String, value: String?, max: Int)] { [("note", note, 2_000), ("to", to, 100)] }
}
