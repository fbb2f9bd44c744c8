import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// A relay's records reach the ingest as the objects of the owner's page (``FlatObjects``), read into
/// fields where they lie: each must land exactly as the same record loaded from an NDJSON file.
@Suite("Federation: relayed records load as a JSON file's")
struct RelayRecordsTests {
    /// The bus bench's layout order: id_number, name, employer, credit_code, region, amount, months,
    /// paid_on, updated_at, active. Escapes, Chinese and emoji, numbers written as numbers and as text,
    /// booleans, `null` and `""`, members in another order, a value that does not fit, an unknown member,
    /// a malformed record, a repeated key.
    static let lines = [
        #"{"id_number":"\#(id(0))","name":"陈伟, \"老陈\"\n第二行\\ \u00e9 \ud83d\ude00","employer":null,"credit_code":"","region":"440604","amount":12.5,"months":7,"paid_on":"2024-03-05","updated_at":"2024-03-05 08:30:00","active":true}"#,
        #"{"active":"否","months":"0","amount":"-0.50","region":"440605","credit_code":"91440600MA0000001X","employer":"佛山,南海","name":"李芳","id_number":"\#(id(1))","paid_on":"2024-03-06","updated_at":"2024-03-06 00:20:00"}"#,
        #"{"id_number":"\#(id(2))","name":"黄娜","region":"440606","amount":12345678901.50,"months":3,"paid_on":"2024-03-07","active":false}"#,
        #"{"id_number":"\#(id(3))","name":"张敏","region":"440607","unknown":1}"#,
        #"{"id_number":"\#(id(4))","name":tru}"#,
        #"{"id_number":"\#(id(0))","name":"重复","region":"440604","amount":1e2,"months":-3,"active":1}"#,
        #"{"id_number":"\#(id(5))","name":"王五","employer":{"n":[1,"}"]},"region":"440608","amount":0,"months":2,"active":"true"}"#
    ]

    static func id(_ i: Int) -> String { BusBench.idNumber(i) }

    /// The same records into two stores of one layout: as NDJSON, and as objects lying in a page. The
    /// records, the summaries and the quarantined rows (row, code, column, raw record) are the same.
    @Test func objectsInAPageLoadAsTheSameNDJSONLines() async throws {
        try await withDataBank { app in
            let asFile = try await ConnectorCellsTests.typedStore(app)
            let asPage = try await ConnectorCellsTests.typedStore(app, code: "109001-00078")
            let who = AuditLog.Who(kind: "connector", id: nil, name: "test", departmentCode: nil)
            let ndjson = Array((Self.lines.joined(separator: "\n") + "\n").utf8)
            let objects = Self.page(Self.lines)
            var summaries: [LoadSummary] = []
            for (f, asObjects) in [(asFile, false), (asPage, true)] {
                let store = try await RecordStores.find(f.code, on: app.db)
                summaries.append(
                    try await Loads.run(store: store, mode: .upsert, format: .ndjson, encoding: .utf8, source: "test", who: who, on: app.db) { ingest in
                        if asObjects { try await ingest.feed(objects) } else { try await ingest.feed(ndjson) }
                    })
            }
            #expect(summaries[0].rows == 7 && summaries[0].inserted == 3 && summaries[0].rejected == 4, "\(summaries[0])")
            #expect(summaries[1].rows == summaries[0].rows && summaries[1].inserted == summaries[0].inserted)
            #expect(summaries[1].rejected == summaries[0].rejected)
            #expect(summaries[1].problems.map(\.row) == summaries[0].problems.map(\.row))
            #expect(summaries[1].problems.map(\.code) == summaries[0].problems.map(\.code))
            let token = try await app.token(asFile.steward)
            let loaded = try await app.allRecords(asFile, token: token), relayed = try await app.allRecords(asPage, token: token)
            #expect(loaded.count == 3 && relayed == loaded)
            #expect(relayed[Self.id(0)]?["name"] == .string("陈伟, \"老陈\"\n第二行\\ é 😀"))
            #expect(relayed[Self.id(0)]?["employer"] == .null && relayed[Self.id(0)]?["credit_code"] == .null)
            #expect(relayed[Self.id(1)]?["active"] == .bool(false) && relayed[Self.id(1)]?["amount"] == .number(-0.5))
            var quarantined: [[String]] = []
            for f in [asFile, asPage] {
                let items = try await app.send(.GET, "/api/v1/resources/\(f.code)/quarantine?status=open", token: token).decode(QuarantinePage.self).items
                quarantined.append(items.map { "\($0.row) \($0.code) \($0.record.map { String(describing: $0.sorted { $0.key < $1.key }) } ?? "-")" }.sorted())
            }
            #expect(quarantined[0].count == 5 && quarantined[1] == quarantined[0], "\(quarantined)")  // the repeated key also fails a type
        }
    }

    /// The records as a feed page holds them: each a change's `data` object, the objects' places noted.
    static func page(_ lines: [String]) -> FlatObjects {
        var ranges: [Range<Int>] = []
        var bytes = Array(#"{"items":["#.utf8)
        for (n, line) in lines.enumerated() {
            bytes += Array(#"{"seq":\#(n + 1),"op":"insert","data":"#.utf8)
            ranges.append(bytes.count..<bytes.count + line.utf8.count)
            bytes += Array(line.utf8) + Array("},".utf8)
        }
        return FlatObjects(bytes: bytes + Array("]}".utf8), ranges: ranges)
    }
}
