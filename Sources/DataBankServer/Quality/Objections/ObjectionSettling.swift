import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Settling an objection: the provider accepts (correcting the record) or rejects it; the raiser withdraws it.
extension Objections {
    /// The provider accepts; with `value`, the record is corrected through the ingest path
    /// (converted and checked like any load, change log, subscribers, audit) before the objection closes.
    static func accept(_ id: UUID?, value: String?, column: String?, note: String?, req: Request) async throws -> ObjectionRow {
        let row = try await loadForProvider(id, req: req)
        try requireOpen(row)
        let note = try text(note, field: "note", required: false, zh: "", en: "")
        let correction = value?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if let correction {
            let store = try await RecordStores.find(row.resourceCode, on: req.db)
            let target = try ObjectionReading.column(column ?? row.columnName, store: store, view: nil)
            guard let target else {
                throw AppError.field(
                    .unprocessableEntity, "column_required", "column", zh: "纠正数值须指明数据项",
                    en: "Name the item (column) to correct; this objection is about the whole record")
            }
            var probe: [UInt8] = []
            if let problem = FieldConverter.appendJSON(correction, as: target, to: &probe) {
                throw AppError.field(
                    .unprocessableEntity, "invalid_value", "value", zh: "\(target.name)：\(problem.message)", en: "\(target.name): \(problem.messageEn)")
            }
            row.correctionLoadID = try await correct(row, column: target, value: correction, store: store, req: req)
            row.correctedColumn = target.name; row.correctedValue = correction
        } else if note == nil {
            throw AppError.field(
                .unprocessableEntity, "note_required", "note", zh: "未填写纠正值时，请说明如何处理（例如已在别处更正）",
                en: "Accepting without a corrected value needs a note (e.g. already fixed elsewhere)")
        }
        try await settle(row, .accepted, resolution: note, req: req)
        let n = try await NoticeNames.of(department: row.providerCode, resource: row.resourceCode, on: req.db)
        try await Applications.notify(
            row.consumerCode, "objection.accepted",
            zh: "“\(n.resource.zh)”记录 \(row.recordKey) 的纠错已采纳" + (correction.map { "，已更正为 \($0)" } ?? ""),
            en: "Your objection to “\(n.resource.en)” record \(row.recordKey) was accepted" + (correction.map { "; corrected to \($0)" } ?? ""),
            link: link(row), on: req.db)
        return row
    }

    /// The provider rejects, saying why; the raiser is told.
    static func reject(_ id: UUID?, reason: String?, req: Request) async throws -> ObjectionRow {
        let row = try await loadForProvider(id, req: req)
        try requireOpen(row)
        let reason = try text(reason, field: "reason", required: true, zh: "不予采纳须说明理由", en: "Rejecting needs a reason")!
        try await settle(row, .rejected, resolution: reason, req: req)
        let n = try await NoticeNames.of(department: row.providerCode, resource: row.resourceCode, on: req.db)
        try await Applications.notify(
            row.consumerCode, "objection.rejected",
            zh: "“\(n.resource.zh)”记录 \(row.recordKey) 的纠错未被采纳：\(reason.prefix(80))",
            en: "Your objection to “\(n.resource.en)” record \(row.recordKey) was rejected: \(reason.prefix(80))",
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
        let n = try await NoticeNames.of(department: row.consumerCode, resource: row.resourceCode, on: req.db)
        let raiser = try await Directory.displayNames([row.raisedBy], on: req.db)[row.raisedBy] ?? row.raisedBy
        try await Applications.notify(
            row.providerCode, "objection.withdrawn",
            zh: "\(n.department.zh) \(raiser) 撤回了对“\(n.resource.zh)”记录 \(row.recordKey) 的纠错",
            en: "\(raiser) (\(n.department.en)) withdrew the objection to “\(n.resource.en)” record \(row.recordKey)",
            link: link(row), on: req.db)
        return row
    }

    // MARK: Parts

    /// The objection, if the user settles for its provider (the department that owned the resource
    /// when it was raised: a rejection still works after the resource is retired).
    static func loadForProvider(_ id: UUID?, req: Request) async throws -> ObjectionRow {
        let row = try await find(id, req: req)
        try req.authorize(.resolveObjection, department: row.providerCode)
        return row
    }

    static func requireOpen(_ row: ObjectionRow) throws {
        guard row.objectionState.isOpen else {
            throw AppError.field(
                .conflict, "objection_not_open", "state", zh: "此纠错已处理（\(row.objectionState.zh)）",
                en: "The objection is already \(row.state)")
        }
    }

    /// Closes an open objection; the `state = 'open'` condition makes a concurrent settlement lose with 409.
    static func settle(_ row: ObjectionRow, _ state: ObjectionState, resolution: String?, req: Request) async throws {
        let user = try req.requireUser()
        let now = Date()
        let updated = try await req.db.sql.raw(
            """
            UPDATE objections SET state = \(bind: state.rawValue), resolution = \(bind: resolution), resolved_by = \(bind: user.username),
                resolved_at = \(bind: now), corrected_value = \(bind: row.correctedValue), corrected_column = \(bind: row.correctedColumn),
                correction_load_id = \(bind: row.correctionLoadID)
            WHERE id = \(bind: row.id) AND state = 'open' RETURNING id
            """
        ).all()
        guard !updated.isEmpty else {
            throw AppError(
                .conflict, "objection_not_open",
                "The objection was settled meanwhile"
                    + (row.correctionLoadID.map { "; the correction was written in load \($0)" } ?? ""))
        }
        row.state = state.rawValue; row.resolution = resolution; row.resolvedBy = user.username; row.resolvedAt = now
        try await AuditLog.append(
            .of(req), resource: row.resourceCode, operation: "objection.\(state.rawValue)",
            fields: [row.correctedColumn ?? row.columnName].compactMap { $0 }, count: row.correctionLoadID == nil ? 0 : 1,
            purpose: "数据纠错", requestID: req.id, requestHash: RecordsAPI.requestHash(req), on: req.db,
            trail: req.application.auditTrail)
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
        let summary = try await Loads.run(
            store: store, mode: .upsert, format: .ndjson, encoding: .utf8,
            source: "objection \(row.id?.uuidString ?? "")", who: .of(req), on: req.db
        ) { try await $0.feed(bytes) }
        guard summary.rejected == 0 else {
            for refusal in try await QuarantineRow.query(on: req.db).filter(\.$loadID == summary.loadID).filter(\.$status == "open").all() {
                try await QuarantineFixes.settle(refusal, status: "discarded", note: "objection correction refused", user: user, on: req.db)
            }
            let why = summary.problems.map(\.message).joined(separator: "；")
            throw AppError.field(
                .unprocessableEntity, "correction_refused", "value", zh: "纠正值未通过检查：\(why)",
                en: "The corrected record was refused by the checks: \(why)")
        }
        return summary.loadID
    }
}
