import Fluent
import SQLKit
import Vapor
import DataBankCore

/// An objection (数据纠错): a reader says a record, or one value of it, is wrong; the provider
/// accepts it (and corrects the record through the ordinary write path) or rejects it with a reason.
final class ObjectionRow: Model, @unchecked Sendable {
    static let schema = "objections"
    @ID(key: .id) var id: UUID?
    @Field(key: "resource_code") var resourceCode: String
    /// The owning department when raised: whose inbox it lands in.
    @Field(key: "provider_code") var providerCode: String
    /// The record's key as the records API addresses it (`GET …/records/{key}`; parts comma-separated).
    @Field(key: "record_key") var recordKey: String
    /// The item at fault; nil when the whole record is questioned.
    @OptionalField(key: "column_name") var columnName: String?
    /// The value as the raiser saw it: masked if their grant masks it, so it never reveals more.
    @OptionalField(key: "seen_value") var seenValue: String?
    @OptionalField(key: "suggested_value") var suggestedValue: String?
    @Field(key: "note") var note: String
    @Field(key: "state") var state: String
    @Field(key: "raised_by") var raisedBy: String
    @Field(key: "raised_by_id") var raisedByID: UUID
    /// The raiser's department: whose "my objections" it is.
    @Field(key: "consumer_code") var consumerCode: String
    /// Why it was rejected (required), or the provider's note on acceptance, or the withdrawal note.
    @OptionalField(key: "resolution") var resolution: String?
    /// The value written when accepted with a correction (nil: accepted without one).
    @OptionalField(key: "corrected_value") var correctedValue: String?
    @OptionalField(key: "corrected_column") var correctedColumn: String?
    /// The load that wrote the correction: its change-log entries and audit trail.
    @OptionalField(key: "correction_load_id") var correctionLoadID: UUID?
    @OptionalField(key: "resolved_by") var resolvedBy: String?
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    var objectionState: ObjectionState { ObjectionState(rawValue: state) ?? .open }
}

/// An objection as the API answers it.
struct ObjectionInfo: Content {
    var id: UUID?
    var resource: String
    var provider: String
    var recordKey: String
    var column: String?
    var seenValue: String?
    var suggested: String?
    var note: String
    var state: String
    var raisedBy: String
    var consumer: String
    var createdAt: Date?
    var resolution: String?
    var correctedColumn: String?
    var correctedValue: String?
    var correctionLoad: UUID?
    var resolvedBy: String?
    var resolvedAt: Date?

    init(_ r: ObjectionRow) {
        id = r.id; resource = r.resourceCode; provider = r.providerCode; recordKey = r.recordKey; column = r.columnName
        seenValue = r.seenValue; suggested = r.suggestedValue; note = r.note; state = r.state; raisedBy = r.raisedBy
        consumer = r.consumerCode; createdAt = r.createdAt; resolution = r.resolution; correctedColumn = r.correctedColumn
        correctedValue = r.correctedValue; correctionLoad = r.correctionLoadID; resolvedBy = r.resolvedBy; resolvedAt = r.resolvedAt
    }
}

extension ObjectionCounts: Content {}
