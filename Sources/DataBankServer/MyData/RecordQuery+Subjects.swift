import SQLKit
import DataBankCore

/// Reads of a subject-visible store return whom they read about (我的数据): the page reads the subject
/// column's stored value beside each row, and the read's audit entry records the keys' hashes.
extension RecordQuery {
    /// This query, reading the subject column too when `store` is subject-visible (else unchanged).
    func recordingSubjects(of store: RecordStoreRow) -> RecordQuery {
        var q = self
        q.subjectColumn = store.subjectColumn.flatMap(store.recordLayout.column(named:))
        return q
    }

    /// `<subject column> AS _s` when the store is subject-visible, else nothing: a select list puts it
    /// after the row's own cells and before the cursor, which ends the row.
    func subjectCells(_ dialect: RecordTables.Dialect) -> [SQLQueryString] {
        subjectColumn.map { [Self.text($0, as: "_s", dateTimeSeparator: "T", dialect)] } ?? []
    }

    /// ``subjectCells(_:)`` after a comma, to follow an expression already written.
    func subjectSelect(_ dialect: RecordTables.Dialect) -> SQLQueryString { subjectCells(dialect).map { ", \($0)" }.joined() }

    var subjectNames: [String] { subjectColumn == nil ? [] : ["_s"] }
}
