import Fluent
import SQLKit
import Vapor
import DataBankCore

/// What a would-be raiser can read of a record: the one read decision (``StoreReading``) — the
/// provider and the platform read everything, another department reads through its active grant,
/// and, for a resource open to the public (无条件开放), as the open portal publishes it.
enum ObjectionReading {
    /// The store and the reader's view of it (`nil` when they read everything in clear). Objecting is
    /// its own purpose (数据纠错), so no other is asked for.
    static func read(_ req: Request, code: String) async throws -> (store: RecordStoreRow, view: GrantView?) {
        do {
            let read = try await StoreReading.read(req, code: code, purposeRequired: false)
            return (read.store, read.view)
        } catch let e as AppError where e.code == "no_grant" {
            throw AppError(
                .forbidden, "no_grant",
                "Your department holds no active grant on \(code); only readers of a record may object to it")
        }
    }

    /// The key text split into the key columns' values, or 400 naming `recordKey`.
    static func keyParams(_ keyText: String, store: RecordStoreRow) throws -> [(String, String)] {
        let layout = store.recordLayout
        let values = RecordsAPI.splitKey(keyText, count: layout.keyColumns.count)
        guard !keyText.isEmpty, values.count == layout.keyColumns.count else {
            throw AppError.field(
                .badRequest, "invalid_key", "recordKey", zh: "主键需要 \(layout.keyColumns.count) 个值，以逗号分隔",
                en: "The key has \(layout.keyColumns.count) parts, comma-separated: \(layout.keyNames.joined(separator: ","))")
        }
        return zip(layout.keyColumns, values).map { ($0.name, $1) }
    }

    /// One record as text by column, as `view` shows it (masked where masked); 404 when no such key.
    static func record(_ keyText: String, store: RecordStoreRow, view: GrantView?, on db: any Database) async throws -> [(
        column: RecordLayout.Column, value: String?
    )] {
        let q = try RecordQuery(store: store, params: try keyParams(keyText, store: store), fields: nil, sort: nil, view: view, keyLookup: true)
        guard let row = try await q.csvPage(after: nil, limit: 1, on: db.sql).rows.first else {
            throw AppError.field(
                .notFound, "record_not_found", "recordKey", zh: "没有主键为 \(keyText) 的记录",
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
