import Fluent
import Vapor
import DataBankCore

/// What a client sends to create, change or test a connector. On a change every field is
/// optional (absent: unchanged); `source.password` absent keeps the stored secret, empty removes it.
struct ConnectorBody: Content {
    var code: String?
    var name: String?
    var resource: String?
    var source: SourceBody?
    var mapping: [ConnectorMapping.Pair]?
    var schedule: String?
    var mode: String?
    var watermarkColumn: String?
    /// active | paused
    var status: String?
    var maxFailures: Int?

    struct SourceBody: Content {
        var kind: String?
        var path: String?
        var table: String?
        var query: String?
        var host: String?
        var port: Int?
        var database: String?
        var user: String?
        /// Write-only: sealed on arrival, never answered.
        var password: String?
        var tls: Bool?
        var format: String?
        var encoding: String?
        var sheet: String?
        var url: String?
        var records: String?
        var paging: HTTPPaging?
        var auth: String?
        var watermarkParam: String?
        var node: String?
        var resource: String?
        var department: String?
        var pageSize: Int?
    }
}

/// A connector's settings checked against the store it fills: every problem found at once, each
/// with its field (`source.query`, `mapping[2].item`, `schedule` …), answered 422 `invalid_connector`.
struct ConnectorDraft {
    var source: ConnectorSource
    var mapping: ConnectorMapping
    var schedule: String
    var mode: String
    var watermarkColumn: String?
    var maxFailures: Int
    /// The provider department, whose folder under the connector root file paths are relative to.
    var department: String
    /// The store's layout (a folder's preview names the header's columns by it).
    var layout: RecordLayout

    static let codePattern = #"^[a-z0-9][a-z0-9_-]{1,39}$"#

    /// `body` over `existing` (nil: a new connector), checked.
    static func check(
        _ body: ConnectorBody, over existing: ConnectorRow?, layout: RecordLayout, department: String, settings: Settings
    ) throws -> ConnectorDraft {
        var problems: [FieldError] = []
        func add(_ field: String, _ code: String, _ zh: String, _ en: String) {
            problems.append(FieldError(field: field, code: code, message: zh, messageEn: en))
        }
        let old = try existing?.sourceSettings
        let b = body.source
        var source = ConnectorSource(kind: b?.kind ?? old?.kind ?? "")
        if let old, b?.kind == nil || b?.kind == old.kind { source = old; source.kind = old.kind }
        if let b {
            // A field sent replaces the stored one; an empty text clears it.
            func pick(_ new: String?, _ current: String?) -> String? {
                guard let new else { return current }
                let t = new.trimmingCharacters(in: .whitespacesAndNewlines)
                return t.isEmpty ? nil : t
            }
            source.path = pick(b.path, source.path); source.table = pick(b.table, source.table); source.query = pick(b.query, source.query)
            source.host = pick(b.host, source.host); source.database = pick(b.database, source.database); source.user = pick(b.user, source.user)
            source.format = pick(b.format, source.format); source.encoding = pick(b.encoding, source.encoding); source.sheet = pick(b.sheet, source.sheet)
            source.port = b.port ?? source.port; source.tls = b.tls ?? source.tls
            source.url = pick(b.url, source.url); source.records = pick(b.records, source.records); source.auth = pick(b.auth, source.auth)
            source.watermarkParam = pick(b.watermarkParam, source.watermarkParam); source.paging = b.paging ?? source.paging
            source.node = pick(b.node, source.node); source.resource = pick(b.resource, source.resource)
            source.department = pick(b.department, source.department)
            source.pageSize = b.pageSize ?? source.pageSize
            // A table named clears a stored query and the other way round.
            if b.table != nil && b.query == nil && source.table != nil { source.query = nil }
            if b.query != nil && b.table == nil && source.query != nil { source.table = nil }
        }
        guard ConnectorSource.kinds.contains(source.kind) else {
            add(
                "source.kind", "invalid_source", "数据源类型只能是 sqlite、postgres、folder、http 或 databank",
                "source.kind must be sqlite, postgres, folder, http or databank")
            throw invalid(problems)
        }
        let isFolder = source.kind == "folder"
        if source.kind == "sqlite" || isFolder {
            do { _ = try ConnectorPaths.resolve(source.path, root: settings.connectorRoot, department: department) } catch let e as AppError {
                problems += e.details
            }
        }
        if source.kind == "postgres" {
            if source.host == nil { add("source.host", "required", "请填写数据库主机", "source.host is required") }
            if source.database == nil { add("source.database", "required", "请填写数据库名", "source.database is required") }
            if source.user == nil { add("source.user", "required", "请填写数据库用户名", "source.user is required") }
            if let port = source.port, !(1...65_535).contains(port) {
                add("source.port", "invalid_port", "端口应在 1–65535 之间", "source.port must be from 1 to 65535")
            }
        }
        let isHTTP = source.kind == "http"
        let isRelay = source.kind == "databank"
        if isRelay {
            problems += DataBankSource.problems(source, department: department)
        } else if isHTTP {
            problems += HTTPSource.problems(source)
        } else if isFolder {
            if source.table != nil || source.query != nil {
                add("source.table", "not_applicable", "文件夹数据源没有表或查询", "A folder source has no table or query")
            }
            if let f = source.format, !FolderSource.formats.contains(f) {
                add("source.format", "invalid_format", "格式为 csv、tsv、json、ndjson 或 xlsx", "source.format is csv, tsv, json, ndjson or xlsx")
            }
            if let e = source.encoding, e != "auto", TextEncoding(rawValue: e) == nil {
                add("source.encoding", "invalid_encoding", "编码为 auto、utf-8 或 gb18030", "source.encoding is auto, utf-8 or gb18030")
            }
        } else {
            switch (source.table, source.query) {
            case (nil, nil), (.some, .some):
                add("source.table", "table_or_query", "请给出表名或只读查询（二者选一）", "Name a table or give a read-only query (one of the two)")
            case (let table?, nil):
                if table.count > 128 || table.contains(where: { $0.isNewline || $0 == "\0" }) {
                    add("source.table", "invalid_table", "表名无效", "source.table is not a valid table name")
                }
            case (nil, let query?):
                if var p = ReadOnlyQuery.problem(query) { p.field = "source.query"; problems.append(p) }
            }
        }
        let stored = try existing?.mappingValue.pairs
        let mappingPairs = body.mapping ?? stored ?? (isFolder ? [] : ConnectorMapping.identity(layout).pairs)
        let mapping = ConnectorMapping(mappingPairs)
        if !(isFolder && mapping.pairs.isEmpty) { problems += mapping.problems(for: layout) }
        let schedule = (body.schedule ?? existing?.schedule ?? "").trimmingCharacters(in: .whitespaces)
        if case .failure(let p) = ConnectorSchedule.parse(schedule) { problems.append(p) }
        let modeName = body.mode ?? existing?.mode ?? "replace"
        var watermarkColumn = body.watermarkColumn.map { $0.trimmingCharacters(in: .whitespaces) } ?? existing?.watermarkColumn
        if watermarkColumn?.isEmpty == true { watermarkColumn = nil }
        if isFolder {
            // A folder's drops are the increments: each file is upserted (appended to a keyless store).
            if !["replace", "incremental"].contains(modeName) {
                add("mode", "invalid_mode", "模式只能是 replace 或 incremental", "mode must be replace or incremental")
            }
            if watermarkColumn != nil { add("watermarkColumn", "not_applicable", "文件夹数据源不用水位列", "A folder source keeps no watermark column") }
        } else if isRelay {
            // A relay follows the peer's change feed: its cursor is the watermark.
            if modeName != "incremental" { add("mode", "invalid_mode", "数据节点来源只能是 incremental 模式", "A databank source's mode is incremental") }
            watermarkColumn = DataBankSource.watermarkColumn
        } else {
            switch ConnectorMode.parse(modeName, column: watermarkColumn) {
            case .failure(let p): problems.append(p)
            case .success(.replace): watermarkColumn = nil
            case .success: break
            }
        }
        let maxFailures = body.maxFailures ?? existing?.maxFailures ?? 5
        if !(1...100).contains(maxFailures) {
            add("maxFailures", "out_of_range", "连续失败暂停次数应在 1–100 之间", "maxFailures must be from 1 to 100")
        }
        if let status = body.status, !["active", "paused"].contains(status) {
            add("status", "invalid_status", "状态只能是 active 或 paused", "status must be active or paused")
        }
        if !problems.isEmpty { throw invalid(problems) }
        return ConnectorDraft(
            source: source, mapping: mapping, schedule: schedule, mode: modeName, watermarkColumn: watermarkColumn, maxFailures: maxFailures,
            department: department, layout: layout)
    }

    static func invalid(_ problems: [FieldError]) -> AppError {
        AppError(
            .unprocessableEntity, "invalid_connector",
            "The connector is not valid: " + problems.map { "\($0.field): \($0.messageEn)" }.joined(separator: "; "), details: problems)
    }

    var sourceJSON: String { String(decoding: try! JSONEncoder().encode(source), as: UTF8.self) }
    var mappingJSON: String { String(decoding: try! JSONEncoder().encode(mapping.pairs), as: UTF8.self) }
}
