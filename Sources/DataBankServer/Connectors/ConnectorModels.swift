import Fluent
import Vapor
import DataBankCore

/// A connector (前置交换): a scheduled pull from a department's system into a published
/// resource's record store. The source's settings are JSON (``ConnectorSource``); its password
/// or token is `secret`, sealed (``ConnectorSecrets``) and never answered.
final class ConnectorRow: Model, @unchecked Sendable {
    static let schema = "connectors"
    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "resource_code") var resourceCode: String
    /// The resource's provider: whose stewards manage it, and who is notified.
    @Field(key: "department_code") var departmentCode: String
    @Field(key: "owner_name") var ownerName: String
    @Field(key: "source_kind") var sourceKind: String
    @Field(key: "source") var source: String
    @OptionalField(key: "secret") var secret: String?
    @Field(key: "mapping") var mapping: String
    @Field(key: "schedule") var schedule: String
    /// replace | incremental
    @Field(key: "mode") var mode: String
    @OptionalField(key: "watermark_column") var watermarkColumn: String?
    /// The last committed watermark (incremental mode) and its type in the source.
    @OptionalField(key: "watermark") var watermark: String?
    @OptionalField(key: "watermark_type") var watermarkType: String?
    /// active | paused (by its owner, or after `max_failures` failed runs in a row)
    @Field(key: "status") var status: String
    @Field(key: "failures") var failures: Int
    @Field(key: "max_failures") var maxFailures: Int
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "next_run_at") var nextRunAt: Date
    /// Held by the instance running it (``ConnectorScheduler``), renewed after every page.
    @OptionalField(key: "lease_until") var leaseUntil: Date?
    @OptionalField(key: "lease_token") var leaseToken: String?
    @OptionalField(key: "last_run_at") var lastRunAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    var currentWatermark: Watermark? {
        guard let watermark, let watermarkType else { return nil }
        return Watermark(value: watermark, type: watermarkType)
    }

    var sourceSettings: ConnectorSource {
        get throws { try JSONDecoder().decode(ConnectorSource.self, from: Data(source.utf8)) }
    }

    var mappingValue: ConnectorMapping {
        get throws { ConnectorMapping(try JSONDecoder().decode([ConnectorMapping.Pair].self, from: Data(mapping.utf8))) }
    }

    var modeValue: ConnectorMode { mode == "incremental" ? .incremental(column: watermarkColumn ?? "") : .replace }
}

/// One run of a connector, as its history shows it.
final class ConnectorRunRow: Model, Content, @unchecked Sendable {
    static let schema = "connector_runs"
    @ID(key: .id) var id: UUID?
    @Field(key: "connector_id") var connectorID: UUID
    @Field(key: "connector_code") var connectorCode: String
    @Field(key: "resource_code") var resourceCode: String
    /// schedule | manual | retry
    @Field(key: "trigger") var trigger: String
    /// running | succeeded | failed | interrupted
    @Field(key: "status") var status: String
    @Field(key: "started_at") var startedAt: Date
    @Field(key: "heartbeat_at") var heartbeatAt: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?
    @OptionalField(key: "seconds") var seconds: Double?
    @Field(key: "rows_read") var rowsRead: Int
    @Field(key: "inserted") var inserted: Int
    @Field(key: "updated") var updated: Int
    @Field(key: "refused") var refused: Int
    @OptionalField(key: "watermark_before") var watermarkBefore: String?
    @OptionalField(key: "watermark_after") var watermarkAfter: String?
    /// The files a watched folder's run took, with where each went (`done/…`, `failed/…`).
    @OptionalField(key: "files") var files: String?
    @OptionalField(key: "error") var error: String?
    init() {}
}

/// Where a connector reads. Which fields apply depends on `kind`:
/// - `sqlite`: `path` (under the connector root), and `table` or `query`;
/// - `postgres`: `host`, `port`, `database`, `user` (the password is the sealed secret), `tls`, and `table` or `query`;
/// - `folder`: `path` (a folder under the connector root), `format` (auto from the extension when
///   absent), `encoding` (auto, utf-8 or gb18030), `sheet` (XLSX);
/// - `http`: `url`, `format` (json, csv or ndjson), `records` (where the array is in a JSON answer),
///   `paging`, `auth` (none, bearer or basic with `user`; the token or password is the sealed secret)
///   and `watermarkParam` (the query parameter the watermark is sent in).
struct ConnectorSource: Codable, Sendable, Equatable {
    var kind: String
    var path: String?
    var table: String?
    var query: String?
    var host: String?
    var port: Int?
    var database: String?
    var user: String?
    var tls: Bool?
    var format: String?
    var encoding: String?
    var sheet: String?
    var url: String?
    var records: String?
    var paging: HTTPPaging?
    var auth: String?
    var watermarkParam: String?
    /// `databank`: the peer node, the resource's code there, and the consumer department (the connector's own).
    var node: String?
    var resource: String?
    var department: String?
    /// `databank`: changes asked per page (1–10,000; default 10,000).
    var pageSize: Int?

    static let kinds = ["sqlite", "postgres", "folder", "http", "databank"]
    /// The kinds whose password or token is kept (sealed).
    static let withSecret = ["postgres", "http"]
}

/// How an HTTP source's answers are paged: `none`; `offset` (`offsetParam`, `limitParam`, `pageSize`:
/// the next page asks from the rows read so far); `cursor` (the next cursor at `cursorPath` in the
/// answer, sent back in `cursorParam`); `link` (the `Link: <…>; rel="next"` header).
struct HTTPPaging: Codable, Sendable, Equatable {
    var style: String
    var offsetParam: String?
    var limitParam: String?
    var pageSize: Int?
    var cursorPath: String?
    var cursorParam: String?

    static let styles = ["none", "offset", "cursor", "link"]
}

/// A connector as the API answers it: never its secret, only whether one is set.
struct ConnectorInfo: Content {
    var code: String
    var name: String
    var resource: String
    var department: String
    var owner: String
    var source: ConnectorSource
    var secretSet: Bool
    var mapping: [ConnectorMapping.Pair]
    var schedule: String
    var mode: String
    var watermarkColumn: String?
    var watermark: String?
    var status: String
    var failures: Int
    var maxFailures: Int
    var lastError: String?
    var nextRunAt: Date
    var lastRunAt: Date?
    var running: Bool

    init(_ row: ConnectorRow, now: Date) throws {
        code = row.code; name = row.name; resource = row.resourceCode; department = row.departmentCode; owner = row.ownerName
        source = try row.sourceSettings; secretSet = row.secret != nil; mapping = try row.mappingValue.pairs
        schedule = row.schedule; mode = row.mode; watermarkColumn = row.watermarkColumn; watermark = row.watermark
        status = row.status; failures = row.failures; maxFailures = row.maxFailures; lastError = row.lastError
        nextRunAt = row.nextRunAt; lastRunAt = row.lastRunAt; running = (row.leaseUntil ?? .distantPast) > now
    }
}
