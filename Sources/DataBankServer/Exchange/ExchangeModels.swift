import Fluent
import Foundation
import DataBankCore

/// A resource's record store: which tables hold its records and change log, the layout they
/// were built for, and the counters every write moves (in the same transaction).
final class RecordStoreRow: Model, @unchecked Sendable {
    static let schema = "record_stores"
    @ID(key: .id) var id: UUID?
    @Field(key: "resource_code") var resourceCode: String
    @Field(key: "department_code") var departmentCode: String
    @Field(key: "table_name") var tableName: String
    @Field(key: "layout") var layout: String
    /// The catalog revision whose items the table reflects.
    @Field(key: "revision") var revision: Int
    @Field(key: "row_count") var rowCount: Int
    /// The last change-log sequence number handed out (0: none yet).
    @Field(key: "last_seq") var lastSeq: Int
    /// Bumped by every committed write; caches of totals are keyed by it.
    @Field(key: "version") var version: Int
    @OptionalField(key: "last_load_at") var lastLoadAt: Date?
    /// Streams: records older than this many hours are dropped (nil: kept).
    @OptionalField(key: "retention_hours") var retentionHours: Int?
    /// `quarantine` (nil), `flag` or `reject`: see ``QualityPolicy`` (migration 011).
    @OptionalField(key: "quality_policy") var qualityPolicyText: String?
    /// The column holding the subject's key when the resource is subject-visible (migration 037, 我的数据).
    @OptionalField(key: "subject_column") var subjectColumn: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    /// Decoded once per row object (a read asks for it several times); re-decoded if `layout` changes.
    var recordLayout: RecordLayout {
        if let (text, decoded) = decodedLayout, text == layout { return decoded }
        let decoded = JSONText.decode(RecordLayout.self, layout) ?? RecordLayout(columns: [])
        decodedLayout = (layout, decoded)
        return decoded
    }
    private var decodedLayout: (String, RecordLayout)?
    var tables: RecordTables { RecordTables(base: tableName) }

    /// A row of its own with the same values (its layout already decoded): what a cache hands each
    /// request, so no two requests share a model object they might change.
    func copy() -> RecordStoreRow {
        let row = RecordStoreRow()
        row.id = id; row.$id.exists = true
        row.resourceCode = resourceCode; row.departmentCode = departmentCode; row.tableName = tableName
        row.layout = layout; row.revision = revision; row.rowCount = rowCount; row.lastSeq = lastSeq; row.version = version
        row.lastLoadAt = lastLoadAt; row.retentionHours = retentionHours; row.qualityPolicyText = qualityPolicyText
        row.subjectColumn = subjectColumn; row.createdAt = createdAt
        row.decodedLayout = (layout, recordLayout)
        return row
    }
}

/// A refused row, kept with everything needed to fix and resubmit it.
final class QuarantineRow: Model, @unchecked Sendable {
    static let schema = "quarantine"
    @ID(key: .id) var id: UUID?
    @Field(key: "resource_code") var resourceCode: String
    @Field(key: "load_id") var loadID: UUID
    @Field(key: "row_number") var rowNumber: Int
    @OptionalField(key: "byte_offset") var byteOffset: Int?
    @OptionalField(key: "column_name") var columnName: String?
    @OptionalField(key: "raw_value") var rawValue: String?
    @Field(key: "code") var code: String
    @Field(key: "message") var message: String
    @Field(key: "message_en") var messageEn: String
    /// `open`, `resolved` (resubmitted and accepted) or `discarded` (with a note).
    @Field(key: "status") var status: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    /// The whole source row (migration 009): see ``RowProblem/rawRow``.
    @OptionalField(key: "raw_row") var rawRow: String?
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    @OptionalField(key: "resolved_by") var resolvedBy: String?
    @OptionalField(key: "note") var note: String?
    init() {}
}

/// One load into a store: who, how, and what came of it.
final class LoadRow: Model, @unchecked Sendable {
    static let schema = "loads"
    @ID(key: .id) var id: UUID?
    @Field(key: "resource_code") var resourceCode: String
    @Field(key: "mode") var mode: String
    @Field(key: "format") var format: String
    @OptionalField(key: "encoding") var encoding: String?
    @OptionalField(key: "source") var source: String?
    @Field(key: "actor_name") var actorName: String
    @Field(key: "status") var status: String
    @Field(key: "inserted") var inserted: Int
    @Field(key: "updated") var updated: Int
    @Field(key: "rejected") var rejected: Int
    @OptionalField(key: "error") var error: String?
    @Field(key: "started_at") var startedAt: Date
    /// Moved by every committed batch: a `running` load whose heartbeat stops was interrupted.
    @OptionalField(key: "heartbeat_at") var heartbeatAt: Date?
    @OptionalField(key: "finished_at") var finishedAt: Date?
    init() {}
}

extension LoadRow {
    /// Marks loads that stopped committing (their process was killed) as interrupted; their
    /// counts are what they committed.
    static func markInterrupted(resource: String? = nil, olderThan seconds: TimeInterval = 120, on db: any Database) async throws {
        var q = LoadRow.query(on: db).filter(\.$status == "running").filter(\.$heartbeatAt < Date().addingTimeInterval(-seconds))
        if let resource { q = q.filter(\.$resourceCode == resource) }
        try await q.set(\.$status, to: "interrupted")
            .set(\.$error, to: "The load stopped (its process ended) after the batches counted here were committed")
            .update()
    }
}
