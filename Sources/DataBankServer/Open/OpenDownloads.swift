import SQLKit
import Vapor
import DataBankCore

/// `GET /api/v1/open/datasets/{code}/data.{csv,json,ndjson,xlsx}`: the whole dataset as a file,
/// streamed page by page (keyset, 10,000 records a page, the next read while one is written), so
/// memory stays flat for any size. Read
/// through the one read decision for the public (default masks), audited (`export.<format>`) and
/// counted as a download. `?bom=true` starts a CSV with the UTF-8 byte-order mark for Excel.
enum OpenDownloads {
    static let chunk = 10_000

    static func download(req: Request) async throws -> Response {
        let code = try req.parameters.require("code")
        guard let format = OpenDownloadFormat(fileName: try req.parameters.require("file")) else {
            throw AppError.notFound("File \(req.parameters.get("file") ?? "")")
        }
        var bom = false
        if let text = req.query[String.self, at: "bom"] {
            guard format == .csv, let value = ["true": true, "1": true, "false": false, "0": false][text.lowercased()] else {
                throw AppError.field(
                    .badRequest, "invalid_bom", "bom", zh: "bom 仅用于 CSV，取值为 true 或 false", en: "bom applies to CSV only and is true or false")
            }
            bom = value
        }
        let read = try await StoreReading.readAsPublic(req, code: code)
        let store = read.store
        let q = try RecordQuery(store: store, params: [], fields: nil, sort: nil, view: read.view)
        let sql = req.db.sql
        let direct = req.application.sqliteDirectReads
        let total = try await req.application.totalCache.total(store: store, signature: q.signature) { try await q.count(on: sql) }
        let hash = RecordsAPI.requestHash(req)
        try await RecordsAPI.audit(req, store, "export.\(format.rawValue)", fields: q.fields.map(\.name), count: total, purpose: nil, hash: hash)
        try await OpenCounters.count(.download, code, req: req)

        let response = Response(status: .ok)
        response.headers.replaceOrAdd(name: .contentType, value: format.contentType)
        let name = read.resource.name + "." + format.rawValue
        response.headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"\(code).\(format.rawValue)\"; filename*=UTF-8''\(Escape.url(name))")
        response.headers.replaceOrAdd(name: "X-Total-Count", value: String(total))
        response.headers.replaceOrAdd(name: "X-Request-Hash", value: hash)
        let fields = q.fields
        let withBOM = bom
        let masked = Set(fields.map(\.name).filter { (read.view?.rule($0) ?? .clear) != .clear })
        response.body = .init(asyncStream: { writer in
            do {
                switch format {
                case .csv: try await csv(q, bom: withBOM, sql: sql, direct: direct, writer)
                case .json, .ndjson: try await json(q, total: total, lines: format == .ndjson, sql: sql, writer)
                case .xlsx: try await xlsx(q, kinds: fields.map { masked.contains($0.name) ? .text : kind($0.type) }, sql: sql, writer)
                }
                try await writer.write(.end)
            } catch {
                try? await writer.write(.error(error))
            }
        })
        return response
    }

    static func kind(_ type: DataType) -> XLSXStream.CellKind {
        switch type {
        case .I, .N, .F, .Y, .B: return .number
        case .L: return .boolean
        default: return .text
        }
    }

    static func csv(_ q: RecordQuery, bom: Bool, sql: any SQLDatabase, direct: SQLiteDirectReads?, _ writer: any AsyncBodyStreamWriter) async throws {
        try await writer.write(.buffer(ByteBuffer(string: (bom ? "\u{FEFF}" : "") + CSVText.line(q.fields.map(\.name)))))
        try await pipelined({ after in try await csvPage(q, after: after, sql: sql, direct: direct) }, writer)
    }

    /// One page of a CSV download: stepped on SQLite's C API when the database is a SQLite file.
    static func csvPage(_ q: RecordQuery, after: [String]?, sql: any SQLDatabase, direct: SQLiteDirectReads?) async throws -> (
        bytes: ByteBuffer, next: [String]?
    ) {
        if let direct { return try await q.csvBytes(after: after, limit: chunk, direct: direct, sql: sql) }
        return try await q.csvBytes(after: after, limit: chunk, on: sql)
    }

    static func json(_ q: RecordQuery, total: Int, lines: Bool, sql: any SQLDatabase, _ writer: any AsyncBodyStreamWriter) async throws {
        if !lines {
            try await writer.write(.buffer(ByteBuffer(string: "{\"total\":\(total),\"fields\":\(JSONText.encode(q.fields.map(\.name))),\"items\":[")))
        }
        try await pipelined(
            { after in
                let page = try await q.page(after: after, limit: chunk, on: sql)
                var out = ByteBufferAllocator().buffer(capacity: page.rows.reduce(0) { $0 + $1.utf8.count + 1 })
                for (i, row) in page.rows.enumerated() {
                    if !lines, i > 0 || after != nil { out.writeInteger(UInt8(ascii: ",")) }  // after the file's first row
                    out.writeString(row)
                    if lines { out.writeInteger(UInt8(ascii: "\n")) }
                }
                return (out, page.next)
            }, writer)
        if !lines { try await writer.write(.buffer(ByteBuffer(string: "]}"))) }
    }

    /// Pages read one ahead: while one page is written to the client, the next one is read, so the
    /// database and the socket work at the same time. At most two pages are held.
    static func pipelined(
        _ fetch: @escaping @Sendable ([String]?) async throws -> (bytes: ByteBuffer, next: [String]?), _ writer: any AsyncBodyStreamWriter
    ) async throws {
        var pending = Task { try await fetch(nil) }
        while true {
            let page = try await pending.value
            if let next = page.next { pending = Task { try await fetch(next) } }
            do {
                if page.bytes.readableBytes > 0 { try await writer.write(.buffer(page.bytes)) }
            } catch {
                pending.cancel()
                throw error
            }
            if page.next == nil { return }
        }
    }

    static func xlsx(_ q: RecordQuery, kinds: [XLSXStream.CellKind], sql: any SQLDatabase, _ writer: any AsyncBodyStreamWriter) async throws {
        // The sheet deflated (a tenth of the stored size or less for typical records), in constant memory.
        var book = XLSXStream(header: q.fields.map(\.name), kinds: kinds, deflater: try ZlibDeflater())
        try await writer.write(.buffer(ByteBuffer(bytes: try book.start())))
        var after: [String]? = nil
        repeat {
            // Cells as the CSV has them: masked, dates and times with a space (as a spreadsheet shows them).
            let page = try await q.csvPage(after: after, limit: chunk, on: sql)
            let rows = page.rows
            try await writer.write(.buffer(ByteBuffer(bytes: try book.rows(rows))))
            after = page.next
        } while after != nil
        try await writer.write(.buffer(ByteBuffer(bytes: try book.finish())))
    }
}
