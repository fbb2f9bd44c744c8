import Fluent
import SQLKit
import Vapor
import DataBankCore

/// What a would-be raiser can read of a record: the same answer as every read of a store
/// (``RecordsAPI/grantedAccess``) — the provider and the platform read everything, another
/// department reads through its active grant — and, for a resource open to the public
/// (无条件开放), any signed-in user reads it as the open portal would publish it (default masks).
enum ObjectionReading {
    /// The reader's view of the store: `nil` when they read everything in clear.
    static func view(_ req: Request, user: User, store: RecordStoreRow) async throws -> GrantView? {
        if req.can(.readRecords, department: store.departmentCode) { return nil }
        if let grant = try await GrantAccess.activeGrant(consumer: user.departmentCode, resource: store.resourceCode, appID: nil, on: req.db) {
            return try await GrantAccess.view(grant, store: store, app: req.application, on: req.db)
        }
        if let resource = try await ResourceRow.query(on: req.db).filter(\.$code == store.resourceCode).first(),
           resource.openType == OpenType.unconditional.rawValue {
            return GrantView(grantID: openPortal, consumerCode: user.departmentCode, columns: store.recordLayout.columns, conditions: [],
                             masks: try await GrantAccess.defaultMasks(resource: resource, on: req.db),
                             pseudonymKey: try await Pseudonyms.key(app: req.application, on: req.db))
        }
        throw AppError(.forbidden, "no_grant",
                       "Your department holds no active grant on \(store.resourceCode); only readers of a record may object to it")
    }

    /// Stands for "no grant: the open portal's view" where a view names its grant.
    static let openPortal = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// The key text split into the key columns' values, or 400 naming `recordKey`.
    static func keyParams(_ keyText: String, store: RecordStoreRow) throws -> [(String, String)] {
        let layout = store.recordLayout
        let values = RecordsAPI.splitKey(keyText, count: layout.keyColumns.count)
        guard !keyText.isEmpty, values.count == layout.keyColumns.count else {
            throw AppError.field(.badRequest, "invalid_key", "recordKey", zh: "主键需要 \(layout.keyColumns.count) 个值，以逗号分隔",
                                 en: "The key has \(layout.keyColumns.count) parts, comma-separated: \(layout.keyNames.joined(separator: ","))")
        }
        return zip(layout.keyColumns, values).map { ($0.name, $1) }
    }

    /// One record as text by column, as `view` shows it (masked where masked); 404 when no such key.
    static func record(_ keyText: String, store: RecordStoreRow, view: GrantView?, on db: any Database) async throws -> [(column: RecordLayout.Column, value: String?)] {
        let q = try RecordQuery(store: store, params: try keyParams(keyText, store: store), fields: nil, sort: nil, view: view, keyLookup: true)
        guard let row = try await q.csvPage(after: nil, limit: 1, on: db as! any SQLDatabase).rows.first else {
            throw AppError.field(.notFound, "record_not_found", "recordKey", zh: "没有主键为 \(keyText) 的记录",
                                 en: "No record \(keyText) in \(store.resourceCode)")
        }
        return Array(zip(q.fields, row)).map { (column: $0, value: $1) }
    }

    /// The column named by the raiser: one of the store's, and one their view shows.
    static func column(_ name: String?, store: RecordStoreRow, view: GrantView?) throws -> RecordLayout.Column? {
        guard let name = name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else { return nil }
        guard let column = store.recordLayout.column(named: name) else {
            throw AppError.field(.unprocessableEntity, "unknown_column", "column", zh: "未知数据项：\(name)", en: "Unknown item \(name)")
        }
        if let view, !view.columnNames.contains(name) {
            throw AppError.field(.forbidden, "item_not_granted", "column", zh: "授权范围不含数据项：\(name)", en: "Your grant does not include the item \(name)")
        }
        return column
    }
}
