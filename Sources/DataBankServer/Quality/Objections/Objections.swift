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
        let store = try await RecordStores.find(code, on: req.db)
        let view = try await ObjectionReading.view(req, user: user, store: store)
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
            throw AppError(.conflict, "duplicate_objection",
                           "Your department already has an open objection on this \(column == nil ? "record" : "value") (\(existing.id?.uuidString ?? ""))")
        }

        let row = ObjectionRow()
        row.resourceCode = code; row.providerCode = store.departmentCode; row.recordKey = keyText
        row.columnName = column?.name; row.seenValue = column.flatMap { c in record.first { $0.column.name == c.name }?.value }
        row.suggestedValue = suggested; row.note = note; row.state = ObjectionState.open.rawValue
        row.raisedBy = user.username; row.raisedByID = try user.requireID(); row.consumerCode = user.departmentCode
        try await row.create(on: req.db)
        try await AuditLog.append(.of(req), resource: code, operation: "objection.raise", fields: column.map { [$0.name] } ?? record.map(\.column.name),
                                  count: 1, purpose: "数据纠错", requestID: req.id, requestHash: RecordsAPI.requestHash(req), on: req.db)
        let what = column.map { " \($0.itemName)（\($0.name)）" } ?? ""
        try await Applications.notify(store.departmentCode, "objection.raised",
                                      zh: "\(user.displayName) 对 \(code) 记录 \(keyText)\(what) 提出纠错：\(note.prefix(80))",
                                      en: "\(user.displayName) objects to \(code) record \(keyText)\(column.map { " \($0.name)" } ?? ""): \(note.prefix(80))",
                                      link: link(row), on: req.db)
        return row
    }

    // MARK: Settle

    /// The provider accepts; with `value`, the record is corrected through the ingest path
    /// (converted and checked like any load, change log, subscribers, audit) before the objection closes.
    static func accept(_ id: UUID?, value: String?, column: String?, note: String?, req: Request) async throws -> ObjectionRow {
        let (row, store) = try await loadForProvider(id, req: req)
        try requireOpen(row)
        let note = try text(note, field: "note", required: false, zh: "", en: "")
        let correction = value?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if let correction {
            let target = try ObjectionReading.column(column ?? row.columnName, store: store, view: nil)
            guard let target else {
                throw AppError.field(.unprocessableEntity, "column_required", "column", zh: "纠正数值须指明数据项",
                                     en: "Name the item (column) to correct; this objection is about the whole record")
            }
            var probe: [UInt8] = []
            if let problem = FieldConverter.appendJSON(correction, as: target, to: &probe) {
                throw AppError.field(.unprocessableEntity, "invalid_value", "value", zh: "\(target.name)：\(problem.message)", en: "\(target.name): \(problem.messageEn)")
            }
            row.correctionLoadID = try await correct(row, column: target, value: correction, store: store, req: req)
            row.correctedColumn = target.name; row.correctedValue = correction
        } else if note == nil {
            throw AppError.field(.unprocessableEntity, "note_required", "note", zh: "未填写纠正值时，请说明如何处理（例如已在别处更正）",
                                 en: "Accepting without a corrected value needs a note (e.g. already fixed elsewhere)")
        }
        try await settle(row, .accepted, resolution: note, req: req)
        try await Applications.notify(row.consumerCode, "objection.accepted",
                                      zh: "\(row.resourceCode) 记录 \(row.recordKey) 的纠错已采纳" + (correction.map { "，已更正为 \($0)" } ?? ""),
                                      en: "Your objection to \(row.resourceCode) record \(row.recordKey) was accepted" + (correction.map { "; corrected to \($0)" } ?? ""),
                                      link: link(row), on: req.db)
        return row
    }

    /// The provider rejects, saying why; the raiser is told.
    static func reject(_ id: UUID?, reason: String?, req: Request) async throws -> ObjectionRow {
        let (row, _) = try await loadForProvider(id, req: req)
        try requireOpen(row)
        let reason = try text(reason, field: "reason", required: true, zh: "不予采纳须说明理由", en: "Rejecting needs a reason")!
        try await settle(row, .rejected, resolution: reason, req: req)
        try await Applications.notify(row.consumerCode, "objection.rejected",
                                      zh: "\(row.resourceCode) 记录 \(row.recordKey) 的纠错未被采纳：\(reason.prefix(80))",
                                      en: "Your objection to \(row.resourceCode) record \(row.recordKey) was rejected: \(reason.prefix(80))",
                                      link: link(row), on: req.db)
        return row
    }

    /// The raiser (or their department's stewards) takes it back; the provider is told.
    static func withdraw(_ id: UUID?, note: String?, req: Request) async throws -> ObjectionRow {
        let user = try req.requireUser()
        let row = try await find(id, req: req)
        if row.raisedByID != user.id { try req.authorize(.withdrawObjection, department: row.consumerCode) }
        try requireOpen(row)
        try await settle(row, .withdrawn, resolution: try text(note, field: "note", required: false, zh: "", en: ""), req: req)
        try await Applications.notify(row.providerCode, "objection.withdrawn",
                                      zh: "\(row.raisedBy) 撤回了对 \(row.resourceCode) 记录 \(row.recordKey) 的纠错",
                                      en: "\(row.raisedBy) withdrew the objection to \(row.resourceCode) record \(row.recordKey)",
                                      link: link(row), on: req.db)
        return row
    }

    // MARK: Reading

    /// An objection its raising department, its provider or the platform may see; 404 for anyone else.
    static func find(_ id: UUID?, req: Request) async throws -> ObjectionRow {
        let user = try req.requireUser()
        guard let id, let row = try await ObjectionRow.find(id, on: req.db),
              user.role == .platformAdmin || row.consumerCode == user.departmentCode || row.providerCode == user.departmentCode else {
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
            throw AppError.field(.badRequest, "invalid_state", "state", zh: "状态为 open、accepted、rejected 或 withdrawn",
                                 en: "state is open, accepted, rejected or withdrawn")
        }
        return state
    }

    /// Where a notification about the objection leads.
    static func link(_ row: ObjectionRow) -> String { "/objections#objection-\(row.id?.uuidString ?? "")" }

    // MARK: Parts

    static func loadForProvider(_ id: UUID?, req: Request) async throws -> (ObjectionRow, RecordStoreRow) {
        let row = try await find(id, req: req)
        let store = try await RecordStores.find(row.resourceCode, on: req.db)
        try req.authorize(.resolveObjection, department: store.departmentCode)
        return (row, store)
    }

    static func requireOpen(_ row: ObjectionRow) throws {
        guard row.objectionState.isOpen else {
            throw AppError.field(.conflict, "objection_not_open", "state", zh: "此纠错已处理（\(row.objectionState.zh)）",
                                 en: "The objection is already \(row.state)")
        }
    }

    /// Trimmed text of at most ``maxText`` characters; nil when empty and not required.
    static func text(_ raw: String?, field: String, required: Bool, zh: String, en: String) throws -> String? {
        let value = raw?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if value == nil, required { throw AppError.field(.unprocessableEntity, "\(field)_required", field, zh: zh, en: en) }
        if let value, value.count > maxText {
            throw AppError.field(.unprocessableEntity, "too_long", field, zh: "最多 \(maxText) 个字符", en: "At most \(maxText) characters")
        }
        return value
    }

    /// Closes an open objection; the `state = 'open'` condition makes a concurrent settlement lose with 409.
    static func settle(_ row: ObjectionRow, _ state: ObjectionState, resolution: String?, req: Request) async throws {
        let user = try req.requireUser()
        let now = Date()
        let updated = try await (req.db as! any SQLDatabase).raw("""
            UPDATE objections SET state = \(bind: state.rawValue), resolution = \(bind: resolution), resolved_by = \(bind: user.username),
                resolved_at = \(bind: now), corrected_value = \(bind: row.correctedValue), corrected_column = \(bind: row.correctedColumn),
                correction_load_id = \(bind: row.correctionLoadID)
            WHERE id = \(bind: row.id) AND state = 'open' RETURNING id
            """).all()
        guard !updated.isEmpty else {
            throw AppError(.conflict, "objection_not_open", "The objection was settled meanwhile"
                           + (row.correctionLoadID.map { "; the correction was written in load \($0)" } ?? ""))
        }
        row.state = state.rawValue; row.resolution = resolution; row.resolvedBy = user.username; row.resolvedAt = now
        try await AuditLog.append(.of(req), resource: row.resourceCode, operation: "objection.\(state.rawValue)",
                                  fields: [row.correctedColumn ?? row.columnName].compactMap { $0 }, count: row.correctionLoadID == nil ? 0 : 1,
                                  purpose: "数据纠错", requestID: req.id, requestHash: RecordsAPI.requestHash(req), on: req.db)
    }

    /// Writes the corrected record: the whole current row, with the one value changed, upserted
    /// as one NDJSON line through ``Loads/run`` (the path loads and quarantine resubmits take).
    /// Returns the load's id; a value the checks refuse is taken back out of the quarantine and answered 422.
    static func correct(_ row: ObjectionRow, column: RecordLayout.Column, value: String, store: RecordStoreRow, req: Request) async throws -> UUID {
        let user = try req.requireUser()
        var values: [String: String?] = [:]
        for cell in try await ObjectionReading.record(row.recordKey, store: store, view: nil, on: req.db) { values[cell.column.name] = cell.value }
        values[column.name] = value
        let bytes = Array((JSONText.encode(values) + "\n").utf8)
        let summary = try await Loads.run(store: store, mode: .upsert, format: .ndjson, encoding: .utf8,
                                          source: "objection \(row.id?.uuidString ?? "")", who: .of(req), on: req.db) { try await $0.feed(bytes) }
        guard summary.rejected == 0 else {
            for refusal in try await QuarantineRow.query(on: req.db).filter(\.$loadID == summary.loadID).filter(\.$status == "open").all() {
                try await QuarantineFixes.settle(refusal, status: "discarded", note: "objection correction refused", user: user, on: req.db)
            }
            let why = summary.problems.map(\.message).joined(separator: "；")
            throw AppError.field(.unprocessableEntity, "correction_refused", "value", zh: "纠正值未通过检查：\(why)",
                                 en: "The corrected record was refused by the checks: \(why)")
        }
        return summary.loadID
    }
}

extension String {
    /// nil for an empty string.
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
