import Fluent
import SQLKit
import Vapor
import DataBankCore

/// One profiling run of a resource's record store: a full scan or an incremental merge of the
/// change log after a load. Every run keeps its summary (so the row count and the columns'
/// figures are kept over time); only the newest run of a resource also keeps the sketches'
/// state (`state`, a ``ResourceProfile``), which the next incremental run merges into.
final class ProfileRunRow: Model, @unchecked Sendable {
    static let schema = "profile_runs"
    @ID(key: .id) var id: UUID?
    @Field(key: "resource_code") var resourceCode: String
    /// `full` or `incremental`.
    @Field(key: "kind") var kind: String
    @Field(key: "started_at") var startedAt: Date
    @Field(key: "finished_at") var finishedAt: Date
    @Field(key: "row_count") var rowCount: Int
    /// The last change-log seq the profile covers.
    @Field(key: "covered_seq") var coveredSeq: Int
    /// Change-log entries (incremental) or records (full) read by this run.
    @Field(key: "rows_read") var rowsRead: Int
    /// The ``ProfileSummary`` as JSON.
    @Field(key: "profile") var profile: String
    /// The ``ResourceProfile`` (sketches) as JSON; kept on the newest run only.
    @OptionalField(key: "state") var state: String?
    init() {}

    var summary: ProfileSummary? { JSONText.decode(ProfileSummary.self, profile) }
}

/// Reads and writes profiling runs.
enum ProfileRuns {
    /// The newest run of a resource.
    static func latest(_ code: String, on db: any Database) async throws -> ProfileRunRow? {
        try await ProfileRunRow.query(on: db).filter(\.$resourceCode == code)
            .sort(\.$finishedAt, .descending).sort(\.$coveredSeq, .descending).first()
    }

    /// The newest run's summary, without reading any state.
    static func latestSummary(_ code: String, on db: any Database) async throws -> ProfileSummary? {
        try await ProfileRunRow.query(on: db).filter(\.$resourceCode == code).field(\.$id).field(\.$profile)
            .sort(\.$finishedAt, .descending).sort(\.$coveredSeq, .descending).first()?.summary
    }

    /// Runs of a resource, newest first, without their profiles.
    static func history(_ code: String, limit: Int = 200, on db: any Database) async throws -> [ProfileRunRow] {
        try await ProfileRunRow.query(on: db).filter(\.$resourceCode == code)
            .field(\.$id).field(\.$resourceCode).field(\.$kind).field(\.$startedAt).field(\.$finishedAt)
            .field(\.$rowCount).field(\.$coveredSeq).field(\.$rowsRead)
            .sort(\.$finishedAt, .descending).sort(\.$coveredSeq, .descending).limit(limit).all()
    }

    /// Saves a run as the newest, and drops the sketches' state of the older ones.
    static func save(_ profile: ResourceProfile, kind: ProfileKind, startedAt: Date, rowsRead: Int, on db: any Database) async throws -> ProfileRunRow {
        let row = ProfileRunRow()
        row.resourceCode = profile.resourceCode; row.kind = kind.rawValue
        row.startedAt = startedAt; row.finishedAt = profile.profiledAt
        row.rowCount = profile.rowCount; row.coveredSeq = profile.coveredSeq; row.rowsRead = rowsRead
        row.profile = JSONText.encode(profile.summary)
        row.state = JSONText.encode(profile)
        try await db.transaction { tx in
            try await row.create(on: tx)
            try await ProfileRunRow.query(on: tx).filter(\.$resourceCode == profile.resourceCode).filter(\.$id != row.id!)
                .filter(\.$state != nil).set(\.$state, to: nil).update()
        }
        return row
    }
}

/// How a run profiled the store.
enum ProfileKind: String, Codable, Sendable {
    /// Every record read: exact.
    case full
    /// The change log since the last run, merged into it.
    case incremental
}
