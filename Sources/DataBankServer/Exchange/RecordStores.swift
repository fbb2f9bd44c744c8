import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Creates and migrates record stores as resources are published.
enum RecordStores {
    /// Makes the store of a just-published resource match its items: creates the tables the
    /// first time, adds columns / widens text / adds indexes after a compatible change, or
    /// refuses the publication naming every incompatible change. Runs inside the publishing
    /// transaction, so a refusal leaves catalog and store as they were.
    static func ensure(_ resource: ResourceRow, snapshot: ResourceSnapshot, on db: any Database) async throws {
        let sql = db.sql
        let dialect = RecordTables.Dialect(sql)
        let layout = try await layout(of: snapshot, on: db)
        if let store = try await RecordStoreRow.query(on: db).filter(\.$resourceCode == resource.code).first() {
            switch store.recordLayout.migration(to: layout) {
            case .failure(let refusal):
                let english = refusal.reasons.map { ($0.column.map { "\($0): " } ?? "") + $0.en }
                throw AppError(
                    .conflict, "store_incompatible", "The published change cannot migrate the record store: " + english.joined(separator: "; "),
                    details: refusal.reasons.map { r in
                        FieldError(
                            field: r.column.map { "items.\($0)" } ?? "items", code: "store_incompatible",
                            message: (r.column.map { "\($0)：" } ?? "") + r.zh, messageEn: (r.column.map { "\($0): " } ?? "") + r.en)
                    })
            case .success(let migration):
                for statement in store.tables.migrationStatements(migration, key: layout.keyNames, dialect) { try await sql.raw(statement).run() }
                store.layout = JSONText.encode(layout)
                store.revision = resource.publishedRevision ?? store.revision
                store.departmentCode = resource.departmentCode
                try await store.save(on: db)
            }
            return
        }
        try await create(
            code: resource.code, department: resource.departmentCode, revision: resource.publishedRevision ?? 1,
            layout: layout, on: db)
    }

    /// Creates the tables and registry row of a new store.
    static func create(code: String, department: String, revision: Int, layout: RecordLayout, on db: any Database) async throws {
        let sql = db.sql
        let tables = RecordTables(resourceCode: code)
        for statement in tables.createStatements(layout, RecordTables.Dialect(sql)) { try await sql.raw(statement).run() }
        let store = RecordStoreRow()
        store.resourceCode = code; store.departmentCode = department
        store.tableName = tables.base; store.layout = JSONText.encode(layout)
        store.revision = revision
        store.rowCount = 0; store.lastSeq = 0; store.version = 0
        try await store.create(on: db)
    }

    /// The layout of a snapshot, with decimal places from its items' standards.
    static func layout(of snapshot: ResourceSnapshot, on db: any Database) async throws -> RecordLayout {
        let codes = Array(Set(snapshot.items.map(\.standardCode)))
        let standards = try await StandardRow.query(on: db).filter(\.$code ~~ codes).all()
        let precision = Dictionary(standards.compactMap { s in s.precision.map { (s.code, $0) } }, uniquingKeysWith: { a, _ in a })
        return RecordLayout(snapshot, precision: precision)
    }

    /// The store of a published resource, or a clear 404/409.
    static func find(_ code: String, on db: any Database) async throws -> RecordStoreRow {
        if let store = try await RecordStoreRow.query(on: db).filter(\.$resourceCode == code).first() { return store }
        guard try await ResourceRow.query(on: db).filter(\.$code == code).first() != nil else {
            throw AppError.notFound("Resource \(code)")
        }
        throw notPublished(code)
    }

    static func notPublished(_ code: String) -> AppError {
        AppError(
            .conflict, "not_published", "Resource \(code) has no record store until it is published",
            details: [FieldError(field: "code", code: "not_published", message: "资源 \(code) 发布后才有数据存储", messageEn: "Resource \(code) is not published yet")])
    }
}
