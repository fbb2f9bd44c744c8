import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `datastore_search` and `/datastore/dump/{resource_id}`: a record store read through the one read
/// decision (``StoreReading``): anonymous callers read 无条件开放 stores under their default masks,
/// a signed-in caller reads what the native records API gives them. Every read is audited.
enum CKANDatastore {
    /// CKAN's `ckan.datastore.search.rows_max`: a larger `limit` is clamped to it, as CKAN does.
    static let rowsMax = 32_000
    static let formats = ["objects", "lists", "csv", "tsv"]

    /// The store a resource id names and the caller's read of it; 404 (CKAN's words) when the caller
    /// may not see its package, then the read decision's own answers.
    static func storeRead(_ id: String, _ call: CKANCall) async throws -> StoreRead {
        guard let found = try await CKANPackages.resource(id, call) else { throw CKANError.notFound("Resource \"\(id)\" was not found.") }
        do {
            return try await StoreReading.read(call.req, code: found.1.code)
        } catch let e as AppError where e.status == .notFound {
            throw CKANError.notFound("Resource \"\(id)\" was not found.")
        }
    }

    @Sendable static func search(_ call: CKANCall) async throws -> String {
        let id = try call.string("resource_id") ?? call.string("id")
        guard let id, !id.isEmpty else { throw CKANError.invalid("resource_id", "Missing value") }
        // Parameters are checked before the store is read, as CKAN validates before it acts.
        let limit = try call.clamped("limit", maximum: rowsMax) ?? 100
        let offset = try call.natural("offset") ?? 0
        let format = try call.string("records_format") ?? "objects"
        guard formats.contains(format) else { throw CKANError.invalid("records_format", "Value must be one of \(formats)") }
        if call.bool("distinct", default: false) { throw CKANError.invalid("distinct", "distinct is not supported by DataBank") }
        let read = try await storeRead(id, call)
        let q = try query(read, call)
        // The read pool, as the native records read: on SQLite the page and the count never queue
        // behind the audit's group commit or the usage flush on the event loop's read-write connection.
        let sql = call.req.readSQL

        let rows: String
        let count: Int
        switch format {
        case "objects":
            let page = try await q.page(after: nil, limit: limit, offset: offset, on: sql)
            rows = "[" + page.rows.joined(separator: ",") + "]"
            count = page.rows.count
        case "lists":
            let names = q.fields.map(\.name)
            let page = try await q.page(after: nil, limit: limit, offset: offset, on: sql)
            rows = "[" + page.rows.map { CKANRecordLists.array(fromObject: $0, order: names) }.joined(separator: ",") + "]"
            count = page.rows.count
        default:
            let page = try await q.csvPage(after: nil, limit: limit, offset: offset, on: sql)
            var text = ""
            for row in page.rows {
                if format == "csv" { CSVText.append(row, to: &text) } else { TSVText.append(row, to: &text) }
            }
            rows = CKANJSON.string(text)
            count = page.rows.count
        }
        try await RecordsAPI.audit(
            call.req, read.store, "query", fields: q.fields.map(\.name), count: count, purpose: read.purpose, hash: RecordsAPI.requestHash(call.req))

        var result = "{\"resource_id\":\(CKANJSON.string(id)),\"fields\":\(fields(q, read)),\"records_format\":\(CKANJSON.string(format))"
        result += ",\"records\":\(rows),\"limit\":\(limit),\"offset\":\(offset)"
        let includeTotal = call.bool("include_total", default: true)
        result += ",\"include_total\":\(includeTotal)"
        if includeTotal {
            result += ",\"total\":\(try await total(q, read, call)),\"total_was_estimated\":false"
        }
        let start = "/api/3/action/datastore_search?resource_id=" + (id.addingPercentEncoding(withAllowedCharacters: CKANResponse.unreserved) ?? id)
        result +=
            ",\"_links\":{\"start\":\(CKANJSON.string(start)),\"next\":\(CKANJSON.string(start + "&offset=\(offset.addingReportingOverflow(limit).overflow ? offset : offset + limit)"))}}"
        return result
    }

    /// The records query of a CKAN call: `filters` (a list means any of), `q` (a text, or per field),
    /// `fields`, `sort` (one field; `name`, `name asc`, `name desc`). Masked items are never
    /// filtered, searched or sorted on (``RecordQuery`` refuses them).
    static func query(_ read: StoreRead, _ call: CKANCall) throws -> RecordQuery {
        let layout = read.store.recordLayout
        let shown = read.view?.columns ?? layout.columns
        func column(_ name: String, _ parameter: String) throws -> RecordLayout.Column {
            guard let c = shown.first(where: { $0.name == name }) else { throw CKANError.invalid(parameter, "field \"\(name)\" not in resource") }
            return c
        }

        var conditions: [RecordCondition] = []
        for (name, value) in try object("filters", call).sorted(by: { $0.key < $1.key }) {
            let c = try column(name, "filters")
            let items: [CKANValue]
            if case .list(let l) = value { items = l } else { items = [value] }
            let texts = items.compactMap(\.text)
            guard texts.count == items.count else { throw CKANError.invalid("filters", "field \"\(name)\": values are strings or numbers") }
            guard !texts.isEmpty else { throw CKANError.invalid("filters", "field \"\(name)\": an empty list matches nothing") }
            var canonical: [String] = []
            var condition: RecordCondition?
            for text in texts {
                switch RecordFilter.parse([(c.name, text)], layout: layout) {
                case .success(let parsed):
                    condition = condition ?? parsed.first
                    canonical += parsed.first?.values ?? []
                case .failure(let e): throw CKANError.invalid("filters", e.messageEn)
                }
            }
            if var condition {
                if canonical.count > 1 { condition.op = .in }
                condition.values = canonical
                conditions.append(condition)
            }
        }

        var searches: [RecordQuery.TextSearch] = []
        if let q = call["q"], q != .null {
            if case .object = q {
                for (name, value) in try object("q", call).sorted(by: { $0.key < $1.key }) {
                    guard let text = value.text, !text.isEmpty else { continue }
                    searches.append(.init(columns: [try column(name, "q")], text: text))
                }
            } else if let text = q.text, !text.isEmpty {
                // Every item the reader sees in clear: a masked value is never searched.
                searches.append(.init(columns: shown.filter { (read.view?.rule($0.name) ?? .clear) == .clear }, text: text))
            }
        }

        var fields: String?
        if let list = try call.list("fields"), !list.isEmpty {
            for name in list { _ = try column(name, "fields") }
            fields = list.joined(separator: ",")
        }

        var sort: String?
        if let text = try call.list("sort")?.first?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            let parts = text.split(separator: " ").map(String.init)
            guard (1...2).contains(parts.count), parts.count == 1 || ["asc", "desc"].contains(parts[1].lowercased()) else {
                throw CKANError.invalid("sort", "Invalid sort \(text); field, field asc or field desc")
            }
            let name = parts[0].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            _ = try column(name, "sort")
            sort = (parts.count == 2 && parts[1].lowercased() == "desc" ? "-" : "") + name
        }
        if let list = try call.list("sort"), list.count > 1 { throw CKANError.invalid("sort", "DataBank sorts by one field") }
        return try RecordQuery(
            store: read.store, params: [], fields: fields, sort: sort, view: read.view, conditions: conditions, textSearches: searches)
    }

    /// A JSON object parameter (an object, or a JSON text of one as a query string carries it).
    static func object(_ name: String, _ call: CKANCall) throws -> [String: CKANValue] {
        switch call[name] {
        case nil, .null?: return [:]
        case .object(let o)?: return o
        case .string(let s)?:
            if s.isEmpty { return [:] }
            guard let o = try? JSONDecoder().decode([String: CKANValue].self, from: Data(s.utf8)) else { throw CKANError.invalid(name, "Not a json object") }
            return o
        default: throw CKANError.invalid(name, "Not a json object")
        }
    }

    /// The exact total: the store's own row counter when nothing narrows the rows, else counted (cached per store version).
    static func total(_ q: RecordQuery, _ read: StoreRead, _ call: CKANCall) async throws -> Int {
        if q.conditions.isEmpty && q.textSearches.isEmpty { return read.store.rowCount }
        let sql = call.req.readSQL
        return try await call.req.application.totalCache.total(store: read.store, signature: q.signature) { try await q.count(on: sql) }
    }

    /// CKAN's `fields`: each column's id, its datastore type and, as `info.label`, the item's name.
    static func fields(_ q: RecordQuery, _ read: StoreRead) -> String {
        let labels = Dictionary((read.resource.catalogSnapshot?.items ?? []).map { ($0.column, $0.name) }, uniquingKeysWith: { a, _ in a })
        let list = q.fields.map { c -> CKANValue in
            var o: [String: CKANValue] = ["id": .string(c.name), "type": .string(type(c.type))]
            if let label = labels[c.name] { o["info"] = .object(["label": .string(label)]) }
            return .object(o)
        }
        return CKANJSON.encode(list)
    }

    /// The datastore (PostgreSQL) type CKAN names for an item's data type.
    static func type(_ t: DataType) -> String {
        switch t {
        case .C, .M, .G: return "text"
        case .I: return "int"
        case .N, .Y: return "numeric"
        case .F, .B: return "float8"
        case .D: return "date"
        case .T: return "timestamp"
        case .L: return "bool"
        }
    }

    // MARK: Dump

    /// `/datastore/dump/{resource_id}?format=csv|tsv|json[&bom=true]`: every row the caller may read,
    /// streamed in keyset pages (memory stays flat for any size). JSON is CKAN's `{"fields", "records"}` of lists.
    @Sendable static func dump(_ req: Request) async throws -> Response {
        let id = try req.parameters.require("resource")
        let call = CKANCall(req: req, params: CKANCall.merged(CKANCall.pairs(req.url.query ?? "")))
        let format = (try call.string("format") ?? "csv").lowercased()
        guard ["csv", "tsv", "json"].contains(format) else { throw CKANError.invalid("format", "format is csv, tsv or json") }
        let bom = call.bool("bom", default: false)
        let read = try await storeRead(id, call)
        let q = try query(read, call)
        let sql = req.db.sql
        let direct = req.application.sqliteDirectReads
        let names = q.fields.map(\.name)
        let total = try await total(q, read, call)
        try await RecordsAPI.audit(req, read.store, "export.\(format)", fields: names, count: total, purpose: read.purpose, hash: RecordsAPI.requestHash(req))

        let response = Response(status: .ok)
        let type = ["csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8", "json": "application/json; charset=utf-8"][format]!
        response.headers.replaceOrAdd(name: .contentType, value: type)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(read.store.resourceCode).\(format)\"")
        let header = format == "json" ? "{\"fields\":\(fields(q, read)),\"records\":[" : (format == "csv" ? CSVText.line(names) : TSVText.line(names))
        let chunk = OpenDownloads.chunk
        response.body = .init(asyncStream: { writer in
            do {
                try await writer.write(.buffer(ByteBuffer(string: (bom && format != "json" ? "\u{FEFF}" : "") + header)))
                try await OpenDownloads.pipelined(
                    { after in
                        switch format {
                        case "csv": return try await OpenDownloads.csvPage(q, after: after, sql: sql, direct: direct)
                        case "json":
                            let page = try await q.page(after: after, limit: chunk, on: sql)
                            var text = ""
                            for (i, row) in page.rows.enumerated() {
                                if i > 0 || after != nil { text += "," }  // after the file's first record
                                text += CKANRecordLists.array(fromObject: row, order: names)
                            }
                            return (ByteBuffer(string: text), page.next)
                        default:
                            let page = try await q.csvPage(after: after, limit: chunk, on: sql)
                            var text = ""
                            for row in page.rows { TSVText.append(row, to: &text) }
                            return (ByteBuffer(string: text), page.next)
                        }
                    }, writer)
                if format == "json" { try await writer.write(.buffer(ByteBuffer(string: "]}"))) }
                try await writer.write(.end)
            } catch {
                try? await writer.write(.error(error))
            }
        })
        return response
    }
}

/// Tab-separated lines as CKAN's dumps write them: a tab, newline or backslash in a value is escaped
/// (`\t`, `\n`, `\r`, `\\`), so every record is one line.
enum TSVText {
    static func append(_ cells: [String?], to out: inout String) {
        for (i, cell) in cells.enumerated() {
            if i > 0 { out += "\t" }
            guard let cell else { continue }
            if cell.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x5C }) {
                out += cell.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
                    .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
            } else {
                out += cell
            }
        }
        out += "\r\n"
    }

    static func line(_ cells: [String]) -> String {
        var out = ""
        append(cells, to: &out)
        return out
    }
}
