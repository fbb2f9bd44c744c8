import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Fixing refused rows: a steward edits a quarantined row's values and resubmits it through the
/// same ingest path (converted, checked, written with its change-log entry, audited), or discards
/// it with a note. Nothing refused is ever silently dropped.
struct QuarantineAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let quarantine = routes.grouped("resources", ":code", "quarantine")
        quarantine.post("resubmit", use: resubmit).gate(.action(.writeRecords))
        quarantine.post(":id", "discard", use: discard).gate(.action(.writeRecords))
    }

    struct Resubmission: Content {
        struct Row: Content { var id: UUID; var values: [String: String?] }
        var rows: [Row]
    }

    struct Outcome: Content {
        struct Row: Content {
            var id: UUID
            /// `accepted`, or `refused` — then the row's open entry is `replacedBy` (the attempt's own
            /// refusal, with the values as resubmitted) and the old one is `superseded`.
            var status: String
            var problems: [LoadSummary.ProblemLine]
            var replacedBy: UUID? = nil
        }
        var summary: LoadSummary
        var rows: [Row]
    }

    func resubmit(req: Request) async throws -> Response {
        let (store, purpose) = try await RecordsAPI.access(req, .writeRecords)
        let user = try req.requireUser()
        let body = try req.content.decode(Resubmission.self)
        let outcome = try await QuarantineFixes.resubmit(body.rows, store: store, who: .of(req), user: user, on: req.db)
        req.application.profileScheduler.afterLoad(store.resourceCode)
        try await RecordsAPI.audit(
            req, store, "quarantine.resubmit", fields: store.recordLayout.columns.map(\.name),
            count: outcome.summary.inserted + outcome.summary.updated, purpose: purpose, hash: RecordsAPI.requestHash(req))
        return try await outcome.encodeResponse(status: outcome.summary.rejected > 0 ? .multiStatus : .ok, for: req)
    }

    struct Discard: Content, BoundedText {
        var note: String?
        var boundedFields: [(field: String, value: String?, max: Int)] { [("note", note, TextLimit.note)] }
    }

    func discard(req: Request) async throws -> QuarantineItem {
        let (store, _) = try await RecordsAPI.access(req, .writeRecords)
        let note = try req.decodeOptionalBody(Discard.self)?.note
        return try await QuarantineFixes.discard(
            try req.parameters.require("id", as: UUID.self), note: note, store: store,
            user: try req.requireUser(), on: req.db)
    }
}

/// Resubmitting and discarding refused rows: shared by the API and the records page.
enum QuarantineFixes {
    static func resubmit(
        _ rows: [QuarantineAPI.Resubmission.Row], store: RecordStoreRow, who: AuditLog.Who, user: User,
        on db: any Database
    ) async throws -> QuarantineAPI.Outcome {
        guard !rows.isEmpty, rows.count <= 10_000 else {
            throw AppError.field(.badRequest, "invalid_rows", "rows", zh: "每次重新提交 1–10000 行", en: "Resubmit 1 to 10,000 rows at a time")
        }
        let entries = try await QuarantineRow.query(on: db).filter(\.$resourceCode == store.resourceCode).filter(\.$id ~~ rows.map(\.id)).all()
        let byID = Dictionary(entries.compactMap { e in e.id.map { ($0, e) } }, uniquingKeysWith: { a, _ in a })
        var problems: [FieldError] = []
        for (i, row) in rows.enumerated() {
            guard let entry = byID[row.id] else {
                problems.append(FieldError(field: "rows[\(i)].id", code: "not_found", message: "隔离区没有此行", messageEn: "No quarantined row \(row.id)"))
                continue
            }
            if entry.status != "open" {
                problems.append(
                    FieldError(
                        field: "rows[\(i)].id", code: "already_settled", message: "此行已处理（\(entry.status)）",
                        messageEn: "Row \(row.id) is already \(entry.status)"))
            }
        }
        if let first = problems.first {
            throw AppError(first.code == "not_found" ? .notFound : .conflict, first.code, problems.map(\.messageEn).joined(separator: "; "), details: problems)
        }
        // One NDJSON line per row: the same reader, converter and checks as any load.
        let bytes = Array((rows.map { JSONText.encode($0.values) }.joined(separator: "\n") + "\n").utf8)
        let summary = try await Loads.run(
            store: store, mode: .upsert, format: .ndjson, encoding: .utf8, source: "quarantine resubmit",
            who: who, on: db
        ) { ingest in try await ingest.feed(bytes) }
        let refusedByLine = Dictionary(grouping: try await QuarantineRow.query(on: db).filter(\.$loadID == summary.loadID).all(), by: \.rowNumber)
        // A refusal of the attempt keeps the source row's number (the line of the file the steward knows), not
        // its line in this resubmission — unless two rows of this resubmission came from rows of the same number
        // (rows of different loads), when the lines are kept so each refused row stays one (load, row).
        let originals = rows.compactMap { byID[$0.id]?.rowNumber }
        for (i, row) in rows.enumerated() where Set(originals).count == rows.count {
            guard let again = refusedByLine[i + 1], let original = byID[row.id]?.rowNumber, original != i + 1 else { continue }
            try await QuarantineRow.query(on: db).filter(\.$id ~~ again.compactMap(\.id)).set(\.$rowNumber, to: original).update()
            for e in again { e.rowNumber = original }
        }
        let outcome: [QuarantineAPI.Outcome.Row] = try await db.transaction { tx in
            var outcome: [QuarantineAPI.Outcome.Row] = []
            for (i, row) in rows.enumerated() {
                if let again = refusedByLine[i + 1] {
                    // The latest attempt is what stays open: its reasons and values are the current ones.
                    try await settle(
                        byID[row.id]!, status: "superseded", note: "resubmitted in load \(summary.loadID.uuidString), still refused",
                        user: user, on: tx)
                    outcome.append(
                        .init(
                            id: row.id, status: "refused",
                            problems: again.map {
                                .init(row: $0.rowNumber, column: $0.columnName, value: $0.rawValue, code: $0.code, message: $0.messageEn)
                            }, replacedBy: again.first?.id))
                    continue
                }
                // Every refusal of the original row is settled with it (a row can fail on several columns).
                try await settle(byID[row.id]!, status: "resolved", note: "resubmitted in load \(summary.loadID.uuidString)", user: user, on: tx)
                outcome.append(.init(id: row.id, status: "accepted", problems: []))
            }
            return outcome
        }
        return QuarantineAPI.Outcome(summary: summary, rows: outcome)
    }

    static func discard(_ id: UUID, note: String?, store: RecordStoreRow, user: User, on db: any Database) async throws -> QuarantineItem {
        guard let entry = try await QuarantineRow.find(id, on: db), entry.resourceCode == store.resourceCode else {
            throw AppError.notFound("Quarantined row")
        }
        guard entry.status == "open" else { throw AppError(.conflict, "already_settled", "The row is already \(entry.status)") }
        guard let note = note?.trimmingCharacters(in: .whitespacesAndNewlines), !note.isEmpty else {
            throw AppError.field(.badRequest, "note_required", "note", zh: "舍弃须说明理由", en: "Discarding a row needs a note saying why")
        }
        try await settle(entry, status: "discarded", note: note, user: user, on: db)
        return QuarantineItem(try await QuarantineRow.find(entry.id, on: db) ?? entry)
    }

    /// Settles every open refusal of the entry's source row.
    static func settle(_ entry: QuarantineRow, status: String, note: String, user: User, on db: any Database) async throws {
        try await QuarantineRow.query(on: db).filter(\.$loadID == entry.loadID).filter(\.$rowNumber == entry.rowNumber).filter(\.$status == "open")
            .set(\.$status, to: status).set(\.$resolvedAt, to: Date()).set(\.$resolvedBy, to: user.username).set(\.$note, to: note).update()
    }
}
