import Fluent
import Foundation
import Vapor
import DataBankCore

/// The DCAT-AP catalog's entries: the open portal's datasets (``OpenCatalog/query(on:)``), the same
/// for every reader, signed in or not, since this is the public catalog; a code the portal does not
/// show answers 404 exactly as an unknown one.
enum DCATCatalog {
    /// One page of the open catalog (by code) and the total.
    static func page(number: Int, size: Int, on db: any Database) async throws -> (entries: [DCATDocument.Entry], total: Int) {
        let total = try await OpenCatalog.query(on: db).count()
        let rows = try await OpenCatalog.query(on: db).sort(\.$code).range(((number - 1) * size)..<(number * size)).all()
        return (try await entries(rows, on: db), total)
    }

    /// One open dataset; 404 for anything else, as for an unknown code.
    static func entry(code: String, on db: any Database) async throws -> DCATDocument.Entry {
        guard let row = try await OpenCatalog.query(on: db).filter(\.$code == code).first(), let entry = try await entries([row], on: db).first else {
            throw AppError.notFound("Dataset \(code)")
        }
        return entry
    }

    /// The rows' snapshots with their publishers and the moment each published revision was published.
    static func entries(_ rows: [ResourceRow], on db: any Database) async throws -> [DCATDocument.Entry] {
        guard !rows.isEmpty else { return [] }
        let departments = Dictionary(
            try await Department.query(on: db).filter(\.$code ~~ Set(rows.map(\.departmentCode))).all().map { ($0.code, $0.info) },
            uniquingKeysWith: { a, _ in a })
        var published: [UUID: Date] = [:]
        for revision in try await RevisionRow.query(on: db).filter(\.$resourceID ~~ rows.compactMap(\.id)).filter(\.$publishedAt != nil).all() {
            guard let row = rows.first(where: { $0.id == revision.resourceID }), row.publishedRevision == revision.number,
                let at = revision.publishedAt
            else { continue }
            published[revision.resourceID] = at
        }
        return rows.compactMap { row in
            guard let snapshot = row.catalogSnapshot else { return nil }
            let publisher =
                departments[row.departmentCode]
                ?? DepartmentInfo(code: row.departmentCode, name: row.departmentCode, nameEn: row.departmentCode, level: .unit, parentCode: nil)
            return DCATDocument.Entry(snapshot: snapshot, publisher: publisher, modified: row.id.flatMap { published[$0] }.map(xsdDateTime))
        }
    }

    static func xsdDateTime(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
