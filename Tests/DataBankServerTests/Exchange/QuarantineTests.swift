import DataBankCore
@testable import DataBankServer
import Fluent
import Testing
import Vapor
import VaporTesting

struct QuarantineEntry: Decodable {
    var id: UUID
    var row: Int
    var code: String
    var status: String
    var record: [String: String?]?
    var line: String?
}

struct QuarantinePage: Decodable { var items: [QuarantineEntry] }

struct ResubmitOutcome: Decodable {
    struct Row: Decodable { var id: UUID; var status: String; var problems: [LoadSummary.ProblemLine] }
    var rows: [Row]
}

/// A refused row keeps its whole source row; a steward fixes it and resubmits it, or discards it with a note.
@Suite("Quarantine: fix and resubmit")
struct QuarantineTests {
    /// A file with one value too long: the row is quarantined with every column, then fixed and accepted.
    func loadWithOneBadRow(_ app: Application) async throws -> (StoreFixture, String, QuarantineEntry, RecordLayout.Column) {
        let f = try await StoreFixture.enterprise(app)
        let token = try await app.token(f.steward)
        let text = try #require(f.textColumn)
        var lines = f.csv(rows: 0..<3).split(separator: "\n").map(String.init)
        var cells = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(f.layout.columns.firstIndex { $0.name == text.name })
        cells[index] = String(repeating: "长", count: (text.length ?? 10) + 5)
        lines[2] = cells.joined(separator: ",")
        let res = try await app.loadCSV(f, lines.joined(separator: "\n") + "\n", token: token)
        #expect(res.status == .multiStatus)
        let page = try await app.send(.GET, "/api/v1/resources/\(f.code)/quarantine?status=open", token: token).decode(QuarantinePage.self)
        let entry = try #require(page.items.first)
        return (f, token, entry, text)
    }

    @Test func fixedRowIsAcceptedAndSettled() async throws {
        try await withDataBank { app in
            let (f, token, entry, text) = try await loadWithOneBadRow(app)
            #expect(entry.code == "too_long")
            var values = try #require(entry.record)
            #expect(Set(values.keys) == Set(f.layout.columns.map(\.name)))
            values[text.name] = "改好的值"
            let res = try await app.send(.POST, "/api/v1/resources/\(f.code)/quarantine/resubmit", token: token,
                                         json: ["rows": [AnyEncodable(["id": AnyEncodable(entry.id), "values": AnyEncodable(values)])]])
            #expect(res.status == .ok, "\(res.body.string)")
            #expect(try res.decode(ResubmitOutcome.self).rows.map(\.status) == ["accepted"])
            let key = try #require(values[f.keyColumn.name] ?? nil)
            let record = try await app.send(.GET, "/api/v1/resources/\(f.code)/records/\(key)", token: token)
            #expect(record.status == .ok)
            #expect(record.body.string.contains("改好的值"))
            let open = try await app.send(.GET, "/api/v1/resources/\(f.code)/quarantine?status=open", token: token).decode(QuarantinePage.self)
            #expect(open.items.isEmpty)
            let again = try await app.send(.POST, "/api/v1/resources/\(f.code)/quarantine/resubmit", token: token,
                                           json: ["rows": [AnyEncodable(["id": AnyEncodable(entry.id), "values": AnyEncodable(values)])]])
            #expect(again.status == .conflict)
            #expect(try again.errorBody().code == "already_settled")
        }
    }

    @Test func stillWrongRowStaysOpen() async throws {
        try await withDataBank { app in
            let (f, token, entry, _) = try await loadWithOneBadRow(app)
            let res = try await app.send(.POST, "/api/v1/resources/\(f.code)/quarantine/resubmit", token: token,
                                         json: ["rows": [AnyEncodable(["id": AnyEncodable(entry.id), "values": AnyEncodable(try #require(entry.record))])]])
            #expect(res.status == .multiStatus)
            let outcome = try res.decode(ResubmitOutcome.self)
            #expect(outcome.rows.map(\.status) == ["refused"])
            #expect(outcome.rows.first?.problems.first?.code == "too_long")
            let open = try await app.send(.GET, "/api/v1/resources/\(f.code)/quarantine?status=open", token: token).decode(QuarantinePage.self)
            #expect(open.items.map(\.id).contains(entry.id))
        }
    }

    @Test func discardNeedsANote() async throws {
        try await withDataBank { app in
            let (f, token, entry, _) = try await loadWithOneBadRow(app)
            let bare = try await app.send(.POST, "/api/v1/resources/\(f.code)/quarantine/\(entry.id)/discard", token: token, json: [String: String]())
            #expect(bare.status == .badRequest)
            let discarded = try await app.send(.POST, "/api/v1/resources/\(f.code)/quarantine/\(entry.id)/discard", token: token,
                                               json: ["note": "重复申报，已由另一行替代"])
            #expect(discarded.status == .ok)
            #expect(try discarded.decode(QuarantineEntry.self).status == "discarded")
            let consumer = try await app.send(.POST, "/api/v1/resources/\(f.code)/quarantine/\(entry.id)/discard", token: try await app.token("jtj_steward"),
                                              json: ["note": "x"])
            #expect(consumer.status == .forbidden)
        }
    }
}
