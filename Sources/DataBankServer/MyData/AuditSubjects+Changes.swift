import SQLKit
import DataBankCore

extension AuditSubjects {
    /// Whom a page of a subject-visible store's change feed sent (我的数据): the subject column's value in each
    /// change of `(after, through]` the reader was shown. A reader of every row was shown every insert and
    /// update — their values read out of the change log's JSON by the database, one statement; a grant scoped
    /// to some rows was shown those inside its scope, decided change by change as the feed decides it
    /// (``ConsumerFeed/maskedData(_:view:today:)``). A delete sends no record. Nothing when the store is not
    /// subject-visible or the page was empty.
    static func ofChanges(
        _ store: RecordStoreRow, after: Int, through: Int, view: GrantView?, today: CivilDate, on sql: any SQLDatabase
    ) async throws -> [String] {
        guard let column = store.subjectColumn, through > after else { return [] }
        let range: SQLQueryString = """
            FROM \(ident: store.tables.changes) WHERE seq > \(bind: after) AND seq <= \(bind: through) AND op <> 'delete' AND data IS NOT NULL
            """
        let keys = RecordTextRows.Collector([String]())
        if let view, !view.conditions.isEmpty {
            let names = FlatJSONText.Names([column])
            try await RecordTextRows.run("SELECT data \(range)", names: ["data"], on: sql) { cells in
                guard let data = cells[0], ConsumerFeed.maskedData(data, view: view, today: today) != nil,
                    let key = FlatJSONText.fields(data, only: names)?[column]
                else { return }
                keys.value.append(key)
            }
        } else {
            let value: SQLQueryString =
                RecordTables.Dialect(sql) == .postgres
                ? "CAST(data AS json) ->> \(bind: column)" : "CAST(json_extract(data, \(bind: "$." + column)) AS TEXT)"
            try await RecordTextRows.run("SELECT \(value) AS s \(range)", names: ["s"], on: sql) { cells in
                if let key = cells[0] { keys.value.append(key) }
            }
        }
        return keys.value
    }

    /// ``ofChanges(_:after:through:view:today:on:)``, hashed: what the page's audit entry records.
    static func hashesOfChanges(
        _ store: RecordStoreRow, after: Int, through: Int, view: GrantView?, today: CivilDate, trail: AuditTrail, on sql: any SQLDatabase
    ) async throws -> SubjectHashes {
        hashes(try await ofChanges(store, after: after, through: through, view: view, today: today, on: sql), trail: trail)
    }
}
