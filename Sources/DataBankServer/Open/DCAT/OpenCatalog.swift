import Fluent
import Foundation
import Vapor
import DataBankCore

/// What the open portal may show: published resources (not retired, not classified) whose open
/// type is 无条件开放 or 有条件开放. 不予开放, unpublished and classified resources never appear,
/// and their codes answer 404 exactly as unknown ones — for every reader, signed in or not, since
/// this is the public catalog.
enum OpenCatalog {
    static let openTypes = [OpenType.unconditional.rawValue, OpenType.conditional.rawValue]

    static func query(on db: any Database) -> QueryBuilder<ResourceRow> {
        ResourceRow.query(on: db)
            .filter(\.$publishedRevision != nil)
            .filter(\.$status != LifecycleState.retired.rawValue)
            .filter(\.$classified == false)
            .filter(\.$openType ~~ openTypes)
    }

    /// One page of the open catalog (by code) and the total.
    static func page(number: Int, size: Int, on db: any Database) async throws -> (entries: [DCATDocument.Entry], total: Int) {
        let total = try await query(on: db).count()
        let rows = try await query(on: db).sort(\.$code).range(((number - 1) * size)..<(number * size)).all()
        return (try await entries(rows, on: db), total)
    }

    /// One open dataset; 404 for anything else, as for an unknown code.
    static func entry(code: String, on db: any Database) async throws -> DCATDocument.Entry {
        guard let row = try await query(on: db).filter(\.$code == code).first(), let entry = try await entries([row], on: db).first else {
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
