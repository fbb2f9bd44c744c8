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
        quarantine.post("resubmit", use: resubmit)
        quarantine.post(":id", "discard", use: discard)
    }

    struct Resubmission: Content {
        struct Row: Content { var id: UUID; var values: [String: String?] }
        var rows: [Row]
    }

    struct Outcome: Content {
        struct Row: Content {
            var id: UUID
            var status: String
            var problems: [LoadSummary.ProblemLine]
        }
        var summary: LoadSummary
        var rows: [Row]
    }

    func resubmit(req: Request) async throws -> Response {
        let (store, purpose) = try await RecordsAPI.access(req, .writeRecords)
        let user = try req.requireUser()
        let body = try req.content.decode(Resubmission.self)
        guard !body.rows.isEmpty, body.rows.count <= 10_000 else {
            throw AppError.field(.badRequest, "invalid_rows", "rows", zh: "每次重新提交 1–10000 行", en: "Resubmit 1 to 10,000 rows at a time")
        }
        let entries = try await QuarantineRow.query(on: req.db).filter(\.$resourceCode == store.resourceCode)
            .filter(\.$id ~~ body.rows.map(\.id)).all()
        let byID = Dictionary(entries.compactMap { e in e.id.map { ($0, e) } }, uniquingKeysWith: { a, _ in a })
        var problems: [FieldError] = []
        for (i, row) in body.rows.enumerated() {
            guard let entry = byID[row.id] else {
                problems.append(FieldError(field: "rows[\(i)].id", code: "not_found", message: "隔离区没有此行", messageEn: "No quarantined row \(row.id)"))
                continue
            }
            if entry.status != "open" {
                problems.append(FieldError(field: "rows[\(i)].id", code: "already_settled", message: "此行已处理（\(entry.status)）",
                                           messageEn: "Row \(row.id) is already \(entry.status)"))
            }
        }
        if let first = problems.first {
            throw AppError(first.code == "not_found" ? .notFound : .conflict, first.code, problems.map(\.messageEn).joined(separator: "; "), details: problems)
        }
        // One NDJSON line per row: the same reader, converter and checks as any load.
        let lines = body.rows.map { JSONText.encode($0.values) }.joined(separator: "\n") + "\n"
        let bytes = Array(lines.utf8)
        let summary = try await Loads.run(store: store, mode: .upsert, format: .ndjson, encoding: .utf8, source: "quarantine resubmit",
                                          who: .of(req), on: req.db) { ingest in try await ingest.feed(bytes) }
        let refused = try await QuarantineRow.query(on: req.db).filter(\.$loadID == summary.loadID).all()
        let refusedByLine = Dictionary(grouping: refused, by: \.rowNumber)
        let outcome: [Outcome.Row] = try await req.db.transaction { tx in
            var outcome: [Outcome.Row] = []
            for (i, row) in body.rows.enumerated() {
                if let again = refusedByLine[i + 1] {
                    outcome.append(.init(id: row.id, status: "refused", problems: again.map {
                        .init(row: $0.rowNumber, column: $0.columnName, value: $0.rawValue, code: $0.code, message: $0.messageEn)
                    }))
                    continue
                }
                // Every refusal of the original row is settled with it (a row can fail on several columns).
                let original = byID[row.id]!
                try await QuarantineRow.query(on: tx).filter(\.$loadID == original.loadID).filter(\.$rowNumber == original.rowNumber)
                    .filter(\.$status == "open")
                    .set(\.$status, to: "resolved").set(\.$resolvedAt, to: Date()).set(\.$resolvedBy, to: user.username)
                    .set(\.$note, to: "resubmitted in load \(summary.loadID.uuidString)").update()
                outcome.append(.init(id: row.id, status: "accepted", problems: []))
            }
            return outcome
        }
        try await RecordsAPI.audit(req, store, "quarantine.resubmit", fields: store.recordLayout.columns.map(\.name),
                                   count: summary.inserted + summary.updated, purpose: purpose, hash: RecordsAPI.requestHash(req))
        return try await Outcome(summary: summary, rows: outcome).encodeResponse(status: summary.rejected > 0 ? .multiStatus : .ok, for: req)
    }

    struct Discard: Content { var note: String? }

    func discard(req: Request) async throws -> QuarantineItem {
        let (store, _) = try await RecordsAPI.access(req, .writeRecords)
        let user = try req.requireUser()
        guard let entry = try await QuarantineRow.find(req.parameters.get("id", as: UUID.self), on: req.db),
              entry.resourceCode == store.resourceCode else { throw AppError.notFound("Quarantined row") }
        guard entry.status == "open" else { throw AppError(.conflict, "already_settled", "The row is already \(entry.status)") }
        guard let note = (try? req.content.decode(Discard.self))?.note?.trimmingCharacters(in: .whitespacesAndNewlines), !note.isEmpty else {
            throw AppError.field(.badRequest, "note_required", "note", zh: "舍弃须说明理由", en: "Discarding a row needs a note saying why")
        }
        try await QuarantineRow.query(on: req.db).filter(\.$loadID == entry.loadID).filter(\.$rowNumber == entry.rowNumber)
            .filter(\.$status == "open")
            .set(\.$status, to: "discarded").set(\.$resolvedAt, to: Date()).set(\.$resolvedBy, to: user.username).set(\.$note, to: note).update()
        return QuarantineItem(try await QuarantineRow.find(entry.id, on: req.db) ?? entry)
    }
}
