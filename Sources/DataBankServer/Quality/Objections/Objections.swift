import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Objections (数据纠错), shared by the API and the pages: each action is load → authorize →
/// validate → act → audit and notify.
enum Objections {
    struct Raise: Content {
        var recordKey: String
        var column: String?
        var suggested: String?
        var note: String
    }

    static let maxText = 2_000

    // MARK: Raise

    /// A reader of the record flags it (or one value) as wrong; the provider is notified.
    static func raise(_ input: Raise, resource code: String, req: Request) async throws -> ObjectionRow {
        let user = try req.requireUser()
        guard req.app == nil else { throw AppError(.forbidden, "forbidden", "Apps read records; objecting needs a user") }
        try req.authorize(.raiseObjection, department: user.departmentCode)
        let (store, view) = try await ObjectionReading.read(req, code: code)
        let column = try ObjectionReading.column(input.column, store: store, view: view)
        let note = try text(input.note, field: "note", required: true, zh: "请说明哪里有误", en: "note is required: say what is wrong")!
        let suggested = try text(input.suggested, field: "suggested", required: false, zh: "", en: "")
        let keyText = input.recordKey.trimmingCharacters(in: .whitespaces)
        let record = try await ObjectionReading.record(keyText, store: store, view: view, on: req.db)
        // One open objection per department, record and item: a second would only split the discussion.
        var same = ObjectionRow.query(on: req.db).filter(\.$resourceCode == code).filter(\.$recordKey == keyText)
            .filter(\.$consumerCode == user.departmentCode).filter(\.$state == ObjectionState.open.rawValue)
        same = column.map { c in same.filter(\.$columnName == c.name) } ?? same.filter(\.$columnName == nil)
        if let existing = try await same.first() {
            throw AppError(
                .conflict, "duplicate_objection",
                "Your department already has an open objection on this \(column == nil ? "record" : "value") (\(existing.id?.uuidString ?? ""))")
        }

        let row = ObjectionRow()
        row.resourceCode = code; row.providerCode = store.departmentCode; row.recordKey = keyText
        row.columnName = column?.name; row.seenValue = column.flatMap { c in record.first { $0.column.name == c.name }?.value }
        row.suggestedValue = suggested; row.note = note; row.state = ObjectionState.open.rawValue
        row.raisedBy = user.username; row.raisedByID = try user.requireID(); row.consumerCode = user.departmentCode
        try await row.create(on: req.db)
        try await AuditLog.append(
            .of(req), resource: code, operation: "objection.raise", fields: column.map { [$0.name] } ?? record.map(\.column.name),
            count: 1, purpose: "数据纠错", requestID: req.id, requestHash: RecordsAPI.requestHash(req), on: req.db, trail: req.application.auditTrail)
        let what = column.map { " \($0.itemName)（\($0.name)）" } ?? ""
        let n = try await NoticeNames.of(department: user.departmentCode, resource: code, on: req.db)
        try await Applications.notify(
            store.departmentCode, "objection.raised",
            zh: "\(n.department.zh) \(user.displayName) 对“\(n.resource.zh)”记录 \(keyText)\(what) 提出纠错：\(note.prefix(80))",
            en:
                "\(user.displayName) (\(n.department.en)) objects to “\(n.resource.en)” record \(keyText)\(column.map { " \($0.name)" } ?? ""): \(note.prefix(80))",
            link: link(row), on: req.db)
        return row
    }

    // MARK: Reading

    /// An objection its raising department, its provider or the platform may see; 404 for anyone else.
    static func find(_ id: UUID?, req: Request) async throws -> ObjectionRow {
        let user = try req.requireUser()
        guard let id, let row = try await ObjectionRow.find(id, on: req.db),
            user.role == .platformAdmin || row.consumerCode == user.departmentCode || row.providerCode == user.departmentCode
        else {
            throw AppError.notFound("Objection")
        }
        return row
    }

    enum Box: String { case all, mine, provider }

    /// The user's objections: raised by their department (`mine`), on their department's resources
    /// (`provider`), or both; the platform sees every one.
    static func list(_ req: Request, box: Box, state: ObjectionState?, resource: String? = nil) async throws -> [ObjectionRow] {
        let user = try req.requireUser()
        var q = ObjectionRow.query(on: req.db)
        let dept = user.departmentCode
        switch box {
        case .mine: q = q.filter(\.$consumerCode == dept)
        case .provider: q = q.filter(\.$providerCode == dept)
        case .all where user.role != .platformAdmin:
            q = q.group(.or) { $0.filter(\.$consumerCode == dept).filter(\.$providerCode == dept) }
        case .all: break
        }
        if let state { q = q.filter(\.$state == state.rawValue) }
        if let resource { q = q.filter(\.$resourceCode == resource) }
        return try await q.sort(\.$createdAt, .descending).range(0..<500).all()
    }

    static func state(_ text: String?) throws -> ObjectionState? {
        guard let text, !text.isEmpty, text != "all" else { return nil }
        guard let state = ObjectionState(rawValue: text) else {
            throw AppError.field(
                .badRequest, "invalid_state", "state", zh: "状态为 open、accepted、rejected 或 withdrawn",
                en: "state is open, accepted, rejected or withdrawn")
        }
        return state
    }

    /// Where a notification about the objection leads.
    static func link(_ row: ObjectionRow) -> String { "\(SiteURL.objections.path)#objection-\(row.id?.uuidString ?? "")" }

    // MARK: Parts

    /// Trimmed text of at most ``maxText`` characters; nil when empty and not required.
    static func text(_ raw: String?, field: String, required: Bool, zh: String, en: String) throws -> String? {
        let value = raw?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if value == nil, required { throw AppError.field(.unprocessableEntity, "\(field)_required", field, zh: zh, en: en) }
        if let value, value.count > maxText {
            throw AppError.field(.unprocessableEntity, "too_long", field, zh: "最多 \(maxText) 个字符", en: "At most \(maxText) characters")
        }
        return value
    }
}

extension String {
    /// nil for an empty string.
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
