import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Partial (infix) look-ups by name through the real HTTP app: the n-gram index finds a name by
/// any part of it, follows later loads and deletes through the change log, keeps the portal's
/// masks, and refuses a text too short or too long.
@Suite("Credit look-ups (partial)")
struct CreditPartialTests {
    typealias Hits = CreditLookupTests.Hits

    /// The fixture's CSV of `rows` with the names given (by row) in `enterprise_name`.
    static func csv(_ f: OpenFixture, rows: Range<Int>, names: [Int: String]) throws -> String {
        let at = try #require(f.store.layout.columns.firstIndex { $0.name == "enterprise_name" })
        return f.store.csv(rows: rows).split(separator: "\n").enumerated().map { i, line -> String in
            guard i > 0, let name = names[rows.lowerBound + i - 1] else { return String(line) }
            var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            cells[at] = name
            return cells.joined(separator: ",")
        }.joined(separator: "\n") + "\n"
    }

    static func load(_ app: Application, _ f: OpenFixture, rows: Range<Int>, names: [Int: String]) async throws {
        let res = try await app.loadCSV(f.store, try csv(f, rows: rows, names: names), token: try await app.token(f.store.steward))
        #expect(res.status == .ok, "\(res.body.string)")
    }

    static func ask(_ app: Application, _ service: String, _ text: String) async throws -> TestingHTTPResponse {
        try await app.send(.GET, "/api/v1/open/lookups/\(service)?q=" + (text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text))
    }

    static func names(_ res: TestingHTTPResponse) throws -> [String] {
        try res.decode(Hits.self).items.compactMap { if case .string(let n)? = $0["enterprise_name"] { n } else { nil } }
    }

    static let midea = [5: "佛山市顺德区美的电器有限公司", 6: "美的集团股份有限公司", 7: "广东美的制冷设备有限公司", 8: "佛山市南海区美丽家园装饰有限公司"]

    @Test func partialFindsANameByItsMiddlePrefixHitsFirst() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            try await Self.load(app, f, rows: 5..<9, names: Self.midea)
            // Defined after the load: the index is built in one pass over the store.
            #expect(try await CreditLookupTests.define(app, f, "names", keys: ["enterprise_name"], match: "partial").status == .created)
            let res = try await Self.ask(app, "names", "美的")
            #expect(res.status == .ok, "\(res.body.string)")
            let found = try Self.names(res)
            #expect(found == ["美的集团股份有限公司", "广东美的制冷设备有限公司", "佛山市顺德区美的电器有限公司"])
            #expect(try Self.names(try await Self.ask(app, "names", "顺德区美的电器")) == ["佛山市顺德区美的电器有限公司"])
            #expect(try Self.names(try await Self.ask(app, "names", "的美")).isEmpty, "every gram of a text, in order")
        }
    }

    /// Latin letters match in any case on both databases (SQLite's LIKE folds ASCII; PostgreSQL's ILIKE does too).
    @Test func latinPartsMatchInAnyCase() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            try await Self.load(app, f, rows: 5..<7, names: [5: "佛山市MIDEA Home科技有限公司", 6: "广东Midea制冷设备有限公司"])
            #expect(try await CreditLookupTests.define(app, f, "names", keys: ["enterprise_name"], match: "partial").status == .created)
            #expect(Set(try Self.names(try await Self.ask(app, "names", "midea"))) == ["佛山市MIDEA Home科技有限公司", "广东Midea制冷设备有限公司"])
            #expect(try Self.names(try await Self.ask(app, "names", "mIDEA HOME科技")) == ["佛山市MIDEA Home科技有限公司"])
        }
    }

    @Test func partialHitsAreMaskedAsOnThePortal() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            try await Self.load(app, f, rows: 5..<9, names: Self.midea)
            #expect(try await CreditLookupTests.define(app, f, "names", keys: ["enterprise_name"], match: "partial").status == .created)
            let res = try await Self.ask(app, "names", "美的")
            #expect(res.status == .ok)
            let hits = try res.decode(Hits.self)
            #expect(hits.count == 3 && hits.items.allSatisfy { $0[f.maskedColumn] != nil })
            let leaked = f.leaks(res.body.string)
            #expect(!leaked, "a partial look-up never shows what the portal masks")
        }
    }

    @Test func aLaterLoadIsFoundAndARenameForgetsTheOldName() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            #expect(try await CreditLookupTests.define(app, f, "names", keys: ["enterprise_name"], match: "partial").status == .created)
            #expect(try Self.names(try await Self.ask(app, "names", "碧桂园")).isEmpty)
            try await Self.load(app, f, rows: 10..<11, names: [10: "佛山市南海区碧桂园物业服务有限公司"])
            #expect(try Self.names(try await Self.ask(app, "names", "碧桂园")) == ["佛山市南海区碧桂园物业服务有限公司"])
            try await Self.load(app, f, rows: 10..<11, names: [10: "佛山市南海区海天调味食品有限公司"])
            #expect(try Self.names(try await Self.ask(app, "names", "碧桂园")).isEmpty)
            #expect(try Self.names(try await Self.ask(app, "names", "海天调味")) == ["佛山市南海区海天调味食品有限公司"])
        }
    }

    @Test func aDeletedRecordIsGone() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            try await Self.load(app, f, rows: 5..<9, names: Self.midea)
            #expect(try await CreditLookupTests.define(app, f, "names", keys: ["enterprise_name"], match: "partial").status == .created)
            let token = try await app.token(f.store.steward)
            #expect(try await app.send(.DELETE, "/api/v1/resources/\(f.code)/records/\(f.store.key(5))", token: token).status == .noContent)
            #expect(try Self.names(try await Self.ask(app, "names", "美的")) == ["美的集团股份有限公司", "广东美的制冷设备有限公司"])
            // Its grams are gone from the index, not only filtered out.
            let left = try await app.db.sql.raw(
                "SELECT COUNT(*) AS n FROM lookup_grams WHERE service = 'names' AND record_key = \(bind: f.store.key(5))"
            ).first()
            #expect(try left?.decode(column: "n", as: Int.self) == 0)
        }
    }

    @Test func theWorkerFollowsTheChangeLogWithoutALookup() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            #expect(try await CreditLookupTests.define(app, f, "names", keys: ["enterprise_name"], match: "partial").status == .created)
            try await Self.load(app, f, rows: 10..<11, names: [10: "佛山市禅城区陶瓷博物馆有限公司"])
            while try await LookupGrams.followAll(on: app.db) {}
            let row = try await app.db.sql.raw(
                "SELECT COUNT(*) AS n FROM lookup_grams WHERE service = 'names' AND gram = '陶瓷' AND record_key = \(bind: f.store.key(10))"
            ).first()
            #expect(try row?.decode(column: "n", as: Int.self) == 1)
        }
    }

    /// A large store's index is left to the worker (here: an index dropped as if never built); until it
    /// is built the service answers prefix hits only, then infix ones.
    @Test func theWorkerBuildsAnIndexTheRequestLeft() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            try await Self.load(app, f, rows: 5..<9, names: Self.midea)
            #expect(try await CreditLookupTests.define(app, f, "names", keys: ["enterprise_name"], match: "partial").status == .created)
            try await LookupGrams.drop("names", on: app.db.sql)
            #expect(try Self.names(try await Self.ask(app, "names", "美的")) == ["美的集团股份有限公司"], "prefix hits meanwhile")
            while try await LookupGrams.followAll(on: app.db) {}
            #expect(try Self.names(try await Self.ask(app, "names", "美的")).count == 3)
        }
    }

    /// The defining request and the worker may build one service's index at once: both finish, the
    /// index answers every name, and the cursor is the earlier position (nothing left unfollowed).
    @Test func overlappingBuildsOfOneServiceBothSucceed() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            try await Self.load(app, f, rows: 5..<9, names: Self.midea)
            #expect(try await CreditLookupTests.define(app, f, "names", keys: ["enterprise_name"], match: "partial").status == .created)
            try await LookupGrams.drop("names", on: app.db.sql)
            let store = try await RecordStores.find(f.store.code, on: app.db)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<3 {
                    group.addTask { try await LookupGrams.build("names", items: ["enterprise_name"], store: store, on: app.db) }
                }
                try await group.waitForAll()
            }
            #expect(try Self.names(try await Self.ask(app, "names", "美的")).count == 3)
            let cursor = try await app.db.sql.raw("SELECT seq FROM lookup_gram_cursors WHERE service = 'names'").first()?.decode(column: "seq", as: Int.self)
            #expect(cursor == store.lastSeq)
        }
    }

    @Test func tooShortOrTooLongIsAClear400() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            #expect(try await CreditLookupTests.define(app, f, "names", keys: ["enterprise_name"], match: "partial").status == .created)
            let short = try await Self.ask(app, "names", "美")
            #expect(short.status == .badRequest)
            #expect(try short.errorBody().code == "too_short")
            #expect(try short.errorBody().details.first?.field == "q")
            let long = try await Self.ask(app, "names", String(repeating: "美", count: LookupServices.maxText + 1))
            #expect(long.status == .badRequest)
            #expect(try long.errorBody().details.first?.field == "q")
            // The page says so rather than failing.
            let page = try await app.send(.GET, "/credit?q=%E7%BE%8E")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("data-testid=\"credit-none\""))
        }
    }

    @Test func anUnknownMatchKindNamesTheThree() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            let bad = try await CreditLookupTests.define(app, f, "x", keys: ["enterprise_name"], match: "infix")
            #expect(bad.status == .unprocessableEntity)
            let detail = try #require(try bad.errorBody().details.first)
            #expect(detail.field == "match" && detail.messageEn.contains("partial") && detail.message.contains("partial"), "\(detail)")
        }
    }

    @Test func deletingAServiceDropsItsIndex() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            try await Self.load(app, f, rows: 5..<9, names: Self.midea)
            #expect(try await CreditLookupTests.define(app, f, "names", keys: ["enterprise_name"], match: "partial").status == .created)
            let token = try await app.token(f.store.steward)
            #expect(try await app.send(.DELETE, "/api/v1/lookups/names", token: token).status == .noContent)
            let left = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM lookup_grams WHERE service = 'names'").first()
            #expect(try left?.decode(column: "n", as: Int.self) == 0)
        }
    }
}
