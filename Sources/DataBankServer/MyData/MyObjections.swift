import Fluent
import SQLKit
import Vapor
import DataBankCore

/// A subject's objection (数据纠错) to a record about itself, through the platform's objection flow: the
/// same `objections` row, the provider's inbox, the provider's accept or reject (``ObjectionSettling``).
/// The subject names the record by its reference (``MyRecords/reference(_:keyText:subject:key:)``): a
/// record that is not about the subject is answered exactly as an unknown one (404), and the attempt is
/// audited (`refused.not_own_record`).
enum MyObjections {
    struct Raise: Content {
        var resource: String
        /// The record's reference as `GET /api/v1/my/records` gives it.
        var record: String
        var column: String?
        var suggested: String?
        var note: String
    }

    /// An objection as its subject sees it.
    struct Info: Content, Equatable {
        var id: UUID?
        var resource: String
        var column: String?
        var seenValue: String?
        var suggested: String?
        var note: String
        var state: String
        var resolution: String?
        var createdAt: Date?
    }

    /// The consumer code the subject's objections are filed under: never a department's.
    static func raiser(_ subject: SignedInSubject) -> String { subject.actor.consumerCode }

    /// The subject as the objection's raiser id (a UUID made of its hash, so no key is stored).
    static func raiserID(_ subject: SignedInSubject) -> UUID {
        let h = Array(subject.hash.prefix(32))
        let text = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(h[$0]) }.joined(separator: "-")
        return UUID(uuidString: text) ?? UUID()
    }

    static func raise(_ input: Raise, _ subject: SignedInSubject, _ req: Request) async throws -> ObjectionRow {
        let who = AuditLog.Who(kind: "subject", id: subject.hash, name: "subject", departmentCode: nil)
        func refuse(_ reason: String) async throws -> AppError {
            try await AuditLog.append(
                who, resource: input.resource, operation: "refused.\(reason)", fields: [], count: 0, purpose: "数据纠错", requestID: req.id,
                requestHash: nil, subjects: SubjectHashes(hex: [subject.hash]), on: req.db, trail: req.application.auditTrail)
            return AppError.field(.notFound, "record_not_found", "record", zh: "没有这条关于您的记录", en: "No such record about you")
        }
        guard let view = try await SubjectViews.get(input.resource, on: req.db), view.kind == subject.kind,
            let store = try await RecordStoreRow.query(on: req.db).filter(\.$resourceCode == input.resource).first()
        else { throw try await refuse("not_subject_visible") }
        let note = try Objections.text(input.note, field: "note", required: true, zh: "请说明哪里有误", en: "note is required: say what is wrong")!
        let suggested = try Objections.text(input.suggested, field: "suggested", required: false, zh: "", en: "")
        let column = input.column?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        if let column, view.masks[column] == nil {
            throw AppError.field(.unprocessableEntity, "unknown_column", "column", zh: "该数据项不向本人展示：\(column)", en: "The item \(column) is not shown to you")
        }
        let pseudonymKey = try await Pseudonyms.key(app: req.application, on: req.db)
        let found = try await MyRecords.records(view, store: store, subject: subject, pseudonymKey: pseudonymKey, limit: MyRecords.limit, on: req.db.sql)
        guard let record = found.records.first(where: { $0.ref == input.record }) else { throw try await refuse("not_own_record") }
        let raiser = raiser(subject)
        var same = ObjectionRow.query(on: req.db).filter(\.$resourceCode == store.resourceCode).filter(\.$recordKey == record.keyText)
            .filter(\.$consumerCode == raiser).filter(\.$state == ObjectionState.open.rawValue)
        same = column.map { c in same.filter(\.$columnName == c) } ?? same.filter(\.$columnName == nil)
        if try await same.first() != nil {
            throw AppError(.conflict, "duplicate_objection", "You already have an open objection on this \(column == nil ? "record" : "value")")
        }
        let row = ObjectionRow()
        row.resourceCode = store.resourceCode; row.providerCode = store.departmentCode; row.recordKey = record.keyText
        row.columnName = column; row.seenValue = column.flatMap { record.values[$0] ?? nil }
        row.suggestedValue = suggested; row.note = note; row.state = ObjectionState.open.rawValue
        row.raisedBy = subject.kind == .resident ? "本人（居民）" : "本企业"; row.raisedByID = raiserID(subject); row.consumerCode = raiser
        try await req.db.transaction { tx in
            try await row.create(on: tx)
            try await AuditLog.append(
                who, resource: store.resourceCode, operation: "objection.raise", fields: column.map { [$0] } ?? [], count: 1, purpose: "数据纠错",
                requestID: req.id, requestHash: nil, subjects: SubjectHashes(hex: [subject.hash]), on: tx, trail: req.application.auditTrail)
        }
        let n = try await NoticeNames.of(department: store.departmentCode, resource: store.resourceCode, on: req.db)
        try await Applications.notify(
            store.departmentCode, "objection.raised",
            zh: "数据主体本人对“\(n.resource.zh)”记录 \(record.keyText)\(column.map { " \($0)" } ?? "") 提出纠错：\(note.prefix(80))",
            en: "The data subject objects to “\(n.resource.en)” record \(record.keyText)\(column.map { " \($0)" } ?? ""): \(note.prefix(80))",
            link: Objections.link(row), on: req.db)
        return row
    }

    /// The subject's own objections, newest first.
    static func list(_ subject: SignedInSubject, on db: any Database) async throws -> [Info] {
        try await ObjectionRow.query(on: db).filter(\.$consumerCode == raiser(subject)).sort(\.$createdAt, .descending).limit(200).all().map {
            Info(
                id: $0.id, resource: $0.resourceCode, column: $0.columnName, seenValue: $0.seenValue, suggested: $0.suggestedValue, note: $0.note,
                state: $0.state, resolution: $0.resolution, createdAt: $0.createdAt)
        }
    }
}
