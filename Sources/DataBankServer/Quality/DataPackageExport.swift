import Foundation
import SQLKit
import Vapor
import ZIPFoundation
import DataBankCore

/// `GET /api/v1/resources/{code}/datapackage.zip`: `datapackage.json` and `data/<code>.csv`.
///
/// Reads go through `RecordsAPI.grantedAccess` and `RecordQuery` like the CSV export: a consumer
/// gets only the granted items, its row scope and its masks, and the read is audited
/// (`export.datapackage`). The schema in the package describes what the file holds: a masked
/// item is plain text without constraints, and the key is kept only if every key item is clear.
/// The CSV is written page by page to a temporary file, zipped, streamed and removed.
enum DataPackageExport {
    static func zip(req: Request) async throws -> Response {
        let (store, purpose, view) = try await RecordsAPI.grantedAccess(req)
        // The store holds the published items: the package describes those, not a draft change.
        let row = try await CatalogService(req: req).visible(code: store.resourceCode)
        guard let published = row.catalogSnapshot else { throw AppError.notFound("Resource \(store.resourceCode)") }
        let q = try RecordQuery(store: store, params: [], fields: nil, sort: nil, view: view).recordingSubjects(of: store)
        let full = try await TableSchemaAPI.schema(of: published, code: store.resourceCode, on: req.db)
        let schema = visible(full, fields: q.fields.map(\.name), masked: Set(q.fields.map(\.name).filter { (view?.rule($0) ?? .clear) != .clear }))
        let sql = req.db.sql
        let hash = RecordsAPI.requestHash(req)
        let total = try await q.count(on: sql)
        let entry = try await RecordsAPI.audit(req, store, "export.datapackage", fields: q.fields.map(\.name), count: total, purpose: purpose, hash: hash)
        // A subject-visible store's package records whom it holds, page by page, under the export's entry.
        let subjects = q.subjectColumn == nil ? nil : AuditSubjects.Export(seq: entry.seq, trail: req.application.auditTrail, db: req.db)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("databank-dp-\(UUID().uuidString)")
        let dataPath = DataPackage.dataPath(store.resourceCode)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        do {
            let descriptor = DataPackage.descriptor(resource: published, schema: schema)
            try Data((descriptor.serialized() + "\n").utf8).write(to: dir.appendingPathComponent("datapackage.json"))
            let csvURL = dir.appendingPathComponent(dataPath)
            _ = FileManager.default.createFile(atPath: csvURL.path, contents: nil)
            let handle = try FileHandle(forWritingTo: csvURL)
            defer { try? handle.close() }
            // No byte-order mark: the package declares utf-8, and readers take the first bytes as the header.
            try handle.write(contentsOf: Data(CSVText.line(q.fields.map(\.name)).utf8))
            var after: [String]? = nil
            while true {
                let page = try await q.csvPage(after: after, limit: 5_000, on: sql)
                try await subjects?.record(page.subjects)
                var text = ""
                for row in page.rows { CSVText.append(row, to: &text) }
                if !text.isEmpty { try handle.write(contentsOf: Data(text.utf8)) }
                guard let next = page.next else { break }
                after = next
            }
            try handle.close()
            let zipURL = dir.appendingPathComponent("package.zip")
            try await req.application.threadPool.runIfActive {
                let archive = try Archive(url: zipURL, accessMode: .create)
                try archive.addEntry(with: "datapackage.json", relativeTo: dir, compressionMethod: .deflate)
                try archive.addEntry(with: dataPath, relativeTo: dir, compressionMethod: .deflate)
            }
            let response = try await req.fileio.asyncStreamFile(at: zipURL.path) { _ in
                try? FileManager.default.removeItem(at: dir)
            }
            response.headers.replaceOrAdd(name: .contentType, value: "application/zip")
            response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(DataPackage.name(store.resourceCode)).zip\"")
            response.headers.replaceOrAdd(name: "X-Request-Hash", value: hash)
            response.headers.replaceOrAdd(name: "X-Total-Count", value: String(total))
            return response
        } catch {
            try? FileManager.default.removeItem(at: dir)
            throw error
        }
    }

    /// The schema of what a reader gets: only its fields; masked ones as plain strings.
    static func visible(_ schema: TableSchema, fields: [String], masked: Set<String>) -> TableSchema {
        var out = schema
        out.fields = fields.compactMap { name in
            guard var f = schema.field(named: name) else { return nil }
            if masked.contains(name) {
                f = TableSchema.Field(
                    name: f.name, title: f.title, description: f.description, type: .string,
                    constraints: .init(required: f.constraints.required),
                    databank: .init(standard: f.databank.standard, sensitivity: f.databank.sensitivity))
            }
            return f
        }
        if !schema.primaryKey.allSatisfy({ fields.contains($0) && !masked.contains($0) }) { out.primaryKey = [] }
        // Another resource is not in the package: a reader of the package could not resolve the reference.
        out.foreignKeys = schema.foreignKeys.filter { $0.resource.isEmpty && $0.fields.allSatisfy(fields.contains) }
        out.writtenRules = masked.isEmpty && fields.count == schema.fields.count ? schema.writtenRules : []
        return out
    }
}
