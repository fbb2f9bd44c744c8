import SQLKit
import Vapor
import DataBankCore

/// `GET /api/v1/open/datasets/{code}/data.{csv,json,ndjson,xlsx}`: the whole dataset as a file,
/// streamed page by page (keyset, 5,000 records a page), so memory stays flat for any size. Read
/// through the one read decision for the public (default masks), audited (`export.<format>`) and
/// counted as a download. `?bom=true` starts a CSV with the UTF-8 byte-order mark for Excel.
enum OpenDownloads {
    static let chunk = 5_000

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
                case .csv: try await csv(q, bom: withBOM, sql: sql, writer)
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

    static func csv(_ q: RecordQuery, bom: Bool, sql: any SQLDatabase, _ writer: any AsyncBodyStreamWriter) async throws {
        try await writer.write(.buffer(ByteBuffer(string: (bom ? "\u{FEFF}" : "") + CSVText.line(q.fields.map(\.name)))))
        var after: [String]? = nil
        repeat {
            let page = try await q.csvPage(after: after, limit: chunk, on: sql)
            var text = ""
            for row in page.rows { CSVText.append(row, to: &text) }
            if !text.isEmpty { try await writer.write(.buffer(ByteBuffer(string: text))) }
            after = page.next
        } while after != nil
    }

    static func json(_ q: RecordQuery, total: Int, lines: Bool, sql: any SQLDatabase, _ writer: any AsyncBodyStreamWriter) async throws {
        if !lines {
            try await writer.write(.buffer(ByteBuffer(string: "{\"total\":\(total),\"fields\":\(JSONText.encode(q.fields.map(\.name))),\"items\":[")))
        }
        var after: [String]? = nil
        var first = true
        repeat {
            let page = try await q.page(after: after, limit: chunk, on: sql)
            var text = ""
            for row in page.rows {
                if lines {
                    text += row + "\n"
                } else {
                    if !first { text += "," }
                    first = false
                    text += row
                }
            }
            if !text.isEmpty { try await writer.write(.buffer(ByteBuffer(string: text))) }
            after = page.next
        } while after != nil
        if !lines { try await writer.write(.buffer(ByteBuffer(string: "]}"))) }
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
