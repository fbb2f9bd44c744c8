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
    struct Row: Decodable { var id: UUID; var status: String; var problems: [LoadSummary.ProblemLine]; var replacedBy: UUID? }
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
            // One open entry for the row: the latest attempt, with its values; the first is superseded.
            let open = try await app.send(.GET, "/api/v1/resources/\(f.code)/quarantine?status=open", token: token).decode(QuarantinePage.self)
            let replacement = try #require(outcome.rows.first?.replacedBy)
            #expect(open.items.map(\.id) == [replacement])
            #expect(open.items.first?.record == entry.record)
            #expect(try await QuarantineRow.find(entry.id, on: app.db)?.status == "superseded")
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

/// The records page lists open refused rows; the fix page resubmits a corrected row or shows why it is still refused.
@Suite("Quarantine: fix page")
struct QuarantineFixPageTests {
    @Test func stewardFixesARowInTheBrowser() async throws {
        try await withDataBank { app in
            let (f, _, entry, text) = try await QuarantineTests().loadWithOneBadRow(app)
            let web = try await WebSession.signIn(app, f.steward)
            let records = try await web.get("/catalog/resources/\(f.code)/records")
            #expect(records.body.string.contains("/catalog/resources/\(f.code)/quarantine/\(entry.id.uuidString)"))
            let page = try await web.get("/catalog/resources/\(f.code)/quarantine/\(entry.id.uuidString)")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("data-testid=\"fix-form\""))
            var fields = f.layout.columns.map { c in ("v.\(c.name)", ((entry.record ?? [:])[c.name] ?? nil) ?? "") }
            let stillWrong = try await web.post("/catalog/resources/\(f.code)/quarantine/\(entry.id.uuidString)", fields)
            #expect(stillWrong.status == .seeOther)
            let next = try #require(stillWrong.headers.first(name: .location))
            #expect(next.contains("again=1") && !next.contains(entry.id.uuidString))
            #expect(try await web.get(next).body.string.contains("fix-refused"))
            fields = fields.map { $0.0 == "v.\(text.name)" ? ($0.0, "已修正") : $0 }
            let fixed = try await web.post(String(next.prefix { $0 != "?" }), fields)
            #expect(fixed.status == .seeOther)
            #expect(fixed.headers.first(name: .location)?.contains("fixed=1") == true)
            #expect(try await QuarantineRow.query(on: app.db).filter(\.$status == "open").count() == 0)
        }
    }
}
