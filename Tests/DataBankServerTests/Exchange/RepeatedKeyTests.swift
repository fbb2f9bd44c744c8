import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

extension StoreFixture {
    /// Rows `rows`, then row `again` once more with other values (the same key).
    func csv(rows: Range<Int>, repeating again: Int) -> String {
        csv(rows: rows) + csv(rows: again..<(again + 1), variant: 1).split(separator: "\n")[1] + "\n"
    }
}

/// A key repeated inside one load is a primary-key finding under the resource's policy, in every
/// mode: the first row is kept, the later one refused (as `quality validate` and Frictionless report it).
@Suite("Repeated keys in one load")
struct RepeatedKeyTests {
    static func openQuarantine(_ app: Application, _ f: StoreFixture, token: String) async throws -> [QuarantineEntry] {
        try await app.send(.GET, "/api/v1/resources/\(f.code)/quarantine?status=open", token: token).decode(QuarantinePage.self).items
    }

    @Test(arguments: ["append", "upsert", "replace"])
    func theFirstRowIsKeptAndTheLaterOneRefused(mode: String) async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let res = try await app.loadCSV(f, f.csv(rows: 0..<4, repeating: 1), mode: mode, token: token)
            #expect(res.status == .multiStatus, "\(res.body.string)")
            let answer = try res.decode(LoadAnswer.self)
            #expect(answer.inserted == 4 && answer.updated == 0 && answer.rejected == 1)
            let open = try await Self.openQuarantine(app, f, token: token)
            #expect(open.map(\.code) == ["duplicate_key"])
            #expect(open.first?.row == 6)  // header row 1, rows 2–5, the repeat row 6
            let text = try #require(f.textColumn)
            let records = try await app.allRecords(f, token: token)
            #expect(records.count == 4)
            #expect(records[f.key(1)]?[text.name]?.text == f.value(text, row: 1))
        }
    }

    /// Batches are 10,000 rows: a key repeated 20,000 rows later is still found.
    @Test func keysFarApartAreFound() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let answer = try await app.loadCSV(f, f.csv(rows: 0..<21_000, repeating: 5), token: token).decode(LoadAnswer.self)
            #expect(answer.inserted == 21_000 && answer.updated == 0 && answer.rejected == 1)
            let open = try await Self.openQuarantine(app, f, token: token)
            #expect(open.map(\.code) == ["duplicate_key"] && open.first?.row == 21_002)
        }
    }

    /// Under the reject policy a repeated key refuses the whole load; under flag it is still refused
    /// (a store holds one record per key), like a value that does not read as its type.
    @Test func policiesTreatItAsAnyPrimaryKeyFinding() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.send(.PUT, "/api/v1/resources/\(f.code)/quality/policy", token: token, json: ["policy": "reject"])
            let rejected = try await app.loadCSV(f, f.csv(rows: 0..<3, repeating: 0), token: token)
            #expect(rejected.status == .unprocessableEntity)
            let error = try rejected.errorBody()
            #expect(error.code == "load_rejected" && error.details.first?.code == "duplicate_key")
            #expect(error.details.first?.messageEn.contains("Row 5") == true)
            #expect(try await app.allRecords(f, token: token).isEmpty)
            _ = try await app.send(.PUT, "/api/v1/resources/\(f.code)/quality/policy", token: token, json: ["policy": "flag"])
            let flagged = try await app.loadCSV(f, f.csv(rows: 0..<3, repeating: 0), token: token).decode(LoadAnswer.self)
            #expect(flagged.inserted == 3 && flagged.rejected == 1)
            #expect(try await Self.openQuarantine(app, f, token: token).map(\.code) == ["duplicate_key"])
        }
    }

    /// NDJSON loads find repeats the same way (record numbers are positions in the stream).
    @Test func ndjsonRepeatsAreRefused() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let lines = (0..<3).map { r in
                "{"
                    + f.layout.columns.map { c in
                        let v = f.value(c, row: r)
                        return JSONText.encode(c.name) + ":" + ([.I, .N, .Y, .F, .B, .L].contains(c.type) ? v : JSONText.encode(v))
                    }.joined(separator: ",") + "}"
            }
            let body = (lines + [lines[2]]).joined(separator: "\n") + "\n"
            let res = try await app.sendRaw(
                .POST, "/api/v1/resources/\(f.code)/records?mode=upsert", token: token,
                contentType: "application/x-ndjson", body: Array(body.utf8))
            let answer = try res.decode(LoadAnswer.self)
            #expect(answer.inserted == 3 && answer.updated == 0 && answer.rejected == 1)
            let open = try await Self.openQuarantine(app, f, token: token)
            #expect(open.map(\.code) == ["duplicate_key"] && open.first?.row == 4)
        }
    }

    /// The steward decides the later row should win: resubmitting it updates the record.
    @Test func resubmittingTheRepeatUpdatesTheRecord() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3, repeating: 1), token: token)
            let entry = try #require(try await Self.openQuarantine(app, f, token: token).first)
            let values = try #require(entry.record)
            let res = try await app.send(
                .POST, "/api/v1/resources/\(f.code)/quarantine/resubmit", token: token,
                json: ["rows": [AnyEncodable(["id": AnyEncodable(entry.id), "values": AnyEncodable(values)])]])
            #expect(res.status == .ok, "\(res.body.string)")
            #expect(try res.decode(ResubmitOutcome.self).rows.map(\.status) == ["accepted"])
            let text = try #require(f.textColumn)
            let records = try await app.allRecords(f, token: token)
            #expect(records[f.key(1)]?[text.name]?.text == f.value(text, row: 1, variant: 1))
        }
    }

    /// Rows are numbered as records (a quoted value spanning lines does not shift them), the line
    /// where the record starts given too — the same in a load and in validation.
    @Test func loadAndValidateNumberRowsAlike() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let text = try #require(f.textColumn)
            let index = try #require(f.layout.columns.firstIndex { $0.name == text.name })
            var lines = f.csv(rows: 0..<3).split(separator: "\n").map(String.init)
            var cells = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            cells[index] = "\"两\n行\""
            lines[1] = cells.joined(separator: ",")
            lines.append(lines[2])  // row 5 (file line 6) repeats the key of row 3
            let csv = lines.joined(separator: "\n") + "\n"
            let validated = try await app.sendRaw(
                .POST, "/api/v1/resources/\(f.code)/validate", token: token, contentType: "text/csv",
                body: Array(csv.utf8)
            ).decode(ValidationReport.self)
            #expect(validated.lines.map(\.row) == [5] && validated.lines.map(\.line) == [6])
            #expect(validated.lines.map(\.code) == ["duplicate_key"])
            let loaded = try await app.loadCSV(f, csv, token: token)
            let summary = try loaded.decode(LoadSummary.self)
            #expect(summary.problems.map(\.row) == [5] && summary.problems.map(\.line) == [6])
            #expect(try await Self.openQuarantine(app, f, token: token).map(\.row) == [5])
        }
    }
}
