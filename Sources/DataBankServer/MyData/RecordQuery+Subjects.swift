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

    /// `, <subject column> AS _s` when the store is subject-visible (before the cursor, which ends the row).
    func subjectSelect(_ dialect: RecordTables.Dialect) -> SQLQueryString {
        guard let subjectColumn else { return "" }
        return ", \(Self.text(subjectColumn, as: "_s", dateTimeSeparator: "T", dialect))"
    }

    var subjectNames: [String] { subjectColumn == nil ? [] : ["_s"] }
}
