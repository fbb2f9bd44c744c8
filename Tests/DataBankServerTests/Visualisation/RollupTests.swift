import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Rollups through the real HTTP app, on whichever database the run uses: after any sequence of
/// writes each rollup is the full aggregate; answers from a rollup are the direct answers byte for
/// byte (suppression, sort, top N and the other row included); a rollup that cannot be maintained
/// is never read and is rebuilt; management refuses bad input with its field.
@Suite("Rollups")
struct RollupTests {
    /// The rollups the random-writes test keeps, and the request variants each is read with.
    static let specs: [(group: String, measures: String, filters: [String: String])] = [
        (
            "region_code",
            "count,sum(registered_capital),avg(registered_capital),min(registered_capital),max(registered_capital),count_distinct(establish_date),median(registered_capital),p90(registered_capital)",
            [:]
        ),
        ("establish_date:month", "count,sum(registered_capital)", ["registered_capital__gte": "300"]),
        ("", "count,sum(registered_capital),max(registered_capital),avg(registered_capital)", [:]),
        ("region_code,establish_date:year", "count,sum(registered_capital)", [:])
    ]
    static let variants = ["", "&sort=-count", "&top=2", "&sort=region_code&top=1", "&top=3&sort=-sum(registered_capital)"]

    static let districts = ["440604", "440605", "440606", "440607", "440608"]

    /// A seeded generator, so a failure repeats.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A store row with a random district, capital (with decimals where the item has them) and date.
    func csvLine(_ f: StoreFixture, row: Int, _ rng: inout Seeded) -> String {
        let capital = f.layout.column(named: "registered_capital")
        let cents = Int.random(in: 100...99_999, using: &rng)
        let amount = (capital?.precision ?? 0) >= 2 ? String(format: "%d.%02d", cents / 100, cents % 100) : String(cents / 10)
        let own: [String: String] = [
            "region_code": Self.districts.randomElement(using: &rng)!, "registered_capital": amount,
            "establish_date": String(format: "2024-%02d-%02d", Int.random(in: 1...12, using: &rng), Int.random(in: 1...28, using: &rng))
        ]
        return f.layout.columns.map { c in own[c.name] ?? f.value(c, row: row) }.joined(separator: ",")
    }

    func load(_ app: Application, _ f: StoreFixture, rows: [Int], mode: String, _ rng: inout Seeded) async throws {
        var lines = [f.header()]
        for r in rows { lines.append(csvLine(f, row: r, &rng)) }
        let res = try await app.loadCSV(f, lines.joined(separator: "\n") + "\n", mode: mode, token: try await app.token(f.steward))
        #expect(res.status == .ok, "\(mode): \(res.body.string)")
    }

    func register(_ app: Application, _ f: StoreFixture, group: String, measures: String, filters: [String: String] = [:]) async throws
        -> AggregateRollups.Row
    {
        let res = try await app.send(
            .POST, "/api/v1/resources/\(f.code)/aggregate/rollups", token: try await app.token(f.steward),
            json: ["group": AnyEncodable(group), "measures": AnyEncodable(measures), "filters": AnyEncodable(filters)])
        #expect(res.status == .created, "\(res.body.string)")
        return try res.decode(AggregateRollups.Row.self)
    }

    /// The request and records query of `query` (no reader's view).
    func parsed(_ app: Application, _ f: StoreFixture, _ query: String) async throws -> (AggregateRequest, RecordQuery) {
        let store = try await RecordStores.find(f.code, on: app.db)
        var params: [String: String] = [:]
        var filters: [(String, String)] = []
        for pair in query.split(separator: "&") {
            let p = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            if AggregateRequest.parameters.contains(p[0]) { params[p[0]] = p.count > 1 ? p[1] : "" } else { filters.append((p[0], p.count > 1 ? p[1] : "")) }
        }
        let request = try AggregateRequest.parse(
            group: params["group"], measures: params["measures"], sort: params["sort"], top: params["top"], layout: store.recordLayout
        ).get()
        return (request, try RecordQuery(store: store, params: filters, fields: nil, sort: nil))
    }

    /// The rollup's answer and the direct aggregate's, as JSON: the rollup must answer, and alike.
    func expectRollupMatches(_ app: Application, _ f: StoreFixture, _ query: String, k: Int? = nil, _ when: String) async throws {
        let (request, q) = try await parsed(app, f, query)
        let direct = try await AggregateAPI.run(request, query: q, k: k, language: "zh", on: app.db.sql)
        let rolled = try await AggregateRollups.answer(request, resource: f.code, query: q, view: nil, k: k, language: "zh", on: app.db.sql)
        #expect(rolled != nil, "\(when): \(query) was not answered from its rollup")
        #expect(rolled?.json == direct.json, "\(when): \(query)\nrollup: \(rolled?.json ?? "-")\ndirect: \(direct.json)")
    }

    func query(_ spec: (group: String, measures: String, filters: [String: String]), _ variant: String) -> String {
        var q = "group=\(spec.group)&measures=\(spec.measures)"
        for (k, v) in spec.filters.sorted(by: { $0.key < $1.key }) { q += "&\(k)=\(v)" }
        // Sorting by a measure or group the spec lacks is not this spec's variant.
        if variant.contains("sum(") && !spec.measures.contains("sum(") { return q }
        if variant.contains("sort=region_code") && !spec.group.hasPrefix("region_code") { return q + "&top=1" }
        if spec.group.isEmpty { return q }
        return q + variant
    }

    func expectAllMatch(_ app: Application, _ f: StoreFixture, _ when: String) async throws {
        for spec in Self.specs {
            for variant in Self.variants { try await expectRollupMatches(app, f, query(spec, variant), when) }
            try await expectRollupMatches(app, f, query(spec, "&top=2"), k: 5, when + " (k = 5)")
        }
        let verdict = try await StoreCheck.run(try await RecordStores.find(f.code, on: app.db), on: app.db)
        #expect(verdict.ok, "\(verdict.problems)")
    }

    func expectCovered(_ app: Application, _ f: StoreFixture) async throws {
        let store = try await RecordStores.find(f.code, on: app.db)
        for row in try await AggregateRollups.list(f.code, on: app.db.sql) {
            #expect(row.state == "ready")
            #expect(row.coveredSeq == store.lastSeq)
        }
    }

    // MARK: Maintenance

    @Test func rollupsFollowRandomWrites() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            var rng = Seeded(state: 13)
            try await load(app, f, rows: Array(0..<30), mode: "replace", &rng)
            for spec in Self.specs { _ = try await register(app, f, group: spec.group, measures: spec.measures, filters: spec.filters) }
            try await expectAllMatch(app, f, "after registering")
            var next = 30
            let provider = try await app.token(f.steward)
            for step in 0..<10 {
                switch step % 4 {
                case 0:  // appends of new keys
                    let n = Int.random(in: 1...8, using: &rng)
                    try await load(app, f, rows: Array(next..<next + n), mode: "append", &rng)
                    next += n
                case 1:  // upserts: existing keys change district, capital and date; a few new ones
                    var rows = (0..<6).map { _ in Int.random(in: 0..<next, using: &rng) }
                    rows = Array(Set(rows)) + [next]
                    next += 1
                    try await load(app, f, rows: rows, mode: "upsert", &rng)
                case 2:  // deletes through the API
                    for _ in 0..<3 {
                        let key = f.key(Int.random(in: 0..<next, using: &rng))
                        let res = try await app.send(.DELETE, "/api/v1/resources/\(f.code)/records/\(key)", token: provider)
                        #expect(res.status == .noContent || res.status == .notFound)
                    }
                default:  // a batch that inserts and updates at once
                    try await load(app, f, rows: [Int.random(in: 0..<next, using: &rng), next, next + 1], mode: "upsert", &rng)
                    next += 2
                }
                try await expectAllMatch(app, f, "step \(step)")
            }
            try await load(app, f, rows: Array(500..<520), mode: "replace", &rng)
            try await expectAllMatch(app, f, "after a replace load")
            try await expectCovered(app, f)
            // A replace with nothing left: the grouped rollups are empty, the ungrouped one counts zero.
            let empty = try await app.loadCSV(f, f.header() + "\n", mode: "replace", token: provider)
            #expect(empty.status == .ok, "\(empty.body.string)")
            try await expectRollupMatches(app, f, query(Self.specs[2], ""), "after an empty replace")
            try await expectCovered(app, f)
        }
    }

    /// Appended rows are added from the batch itself (no key look-ups), as the table stores them: a
    /// decimal `300.00` groups with `300` (stored as one integer), `12.50` with `12.5`.
    @Test func appendedRowsGroupAsStored() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            var rng = Seeded(state: 11)
            try await load(app, f, rows: Array(0..<10), mode: "replace", &rng)
            _ = try await register(app, f, group: "registered_capital", measures: "count,sum(registered_capital),max(registered_capital)")
            // The item only measured here: its appended values are read in the cheaper form.
            _ = try await register(app, f, group: "region_code", measures: "count,sum(registered_capital),avg(registered_capital)")
            let capital = try #require(f.layout.column(named: "registered_capital"))
            let provider = try await app.token(f.steward)
            for (batch, amounts) in [["300.00", "300", "12.50"], ["12.5", "0.10", "300.0", "7"]].enumerated() {
                let first = 100 + batch * 10
                let lines = amounts.enumerated().map { n, amount in
                    f.layout.columns.map { $0.name == capital.name ? amount : f.value($0, row: first + n) }.joined(separator: ",")
                }
                let res = try await app.loadCSV(f, ([f.header()] + lines).joined(separator: "\n") + "\n", mode: "append", token: provider)
                #expect(res.status == .ok, "\(res.body.string)")
                try await expectRollupMatches(
                    app, f, "group=registered_capital&measures=count,sum(registered_capital),max(registered_capital)", "batch \(batch)")
                try await expectRollupMatches(
                    app, f, "group=region_code&measures=count,sum(registered_capital),avg(registered_capital)", "batch \(batch)")
            }
            try await expectCovered(app, f)
        }
    }

    /// An appended batch's relation holds only the items the rollups read: a rollup that reads none (a
    /// count of every record) still counts each appended row.
    @Test func aRollupThatReadsNoItemCountsAppends() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            var rng = Seeded(state: 12)
            try await load(app, f, rows: Array(0..<10), mode: "replace", &rng)
            _ = try await register(app, f, group: "", measures: "count")
            for batch in 0..<2 {
                try await load(app, f, rows: Array((20 + batch * 10)..<(25 + batch * 10)), mode: "append", &rng)
                try await expectRollupMatches(app, f, "group=&measures=count", "batch \(batch)")
            }
            try await expectCovered(app, f)
        }
    }

    /// PostgreSQL's delta reads a batch's rows as one text array per item the rollups read (plus a null
    /// flag per row): each value's text input form — escapes undone, numbers as written — in the rows chosen.
    @Test func columnTextsHoldOnlyTheItemsReadAsInputText() throws {
        let columns: [RecordLayout.Column] = [
            .init(name: "k", itemName: "键", type: .C, length: 10, primaryKey: true),
            .init(name: "n", itemName: "号", type: .N, length: 12, precision: 2),
            .init(name: "t", itemName: "文", type: .C, length: 10)
        ]
        var batch = RecordBatch()
        for (row, object) in [#"{"k":"a\"b","n":12.50,"t":null}"#, #"{"k":"c","n":null,"t":"x\ty"}"#, #"{"k":"d","n":-7,"t":"区"}"#].enumerated() {
            let start = batch.bytes.count
            batch.bytes += Array(object.utf8)
            batch.append(object: start..<batch.bytes.count, key: "\(row)", row: row + 2)
        }
        let both = batch.columnTexts([0, 1, 2], columns: columns, keeping: ["n", "t"])
        #expect(both.map(\.values) == [["12.50", "", "-7"], ["", "x\ty", "区"]])
        #expect(both.map(\.nulls) == [[false, true, false], [true, false, false]])
        let keys = batch.columnTexts([2, 0], columns: columns, keeping: ["k"])
        #expect(keys.map(\.values) == [["d", "a\"b"]] && keys.map(\.nulls) == [[false, false]])
        #expect(batch.columnTexts([1], columns: columns, keeping: []).isEmpty)
    }

    /// On SQLite a batch's payload value goes through the same column affinity as the INSERT applies
    /// (on PostgreSQL the texts are cast to the table's column types, as COPY applies them: nothing to compare).
    /// Numeric items hold JSON numbers (never strings); text items also take numbers alike.
    @Test func insertedRowsTakeTheColumnsAffinity() async throws {
        try await withDataBank { app in
            guard RecordTables.Dialect(app.db.sql) == .sqlite else { return }
            let sql = app.db.sql
            let types: [DataType] = [.C, .D, .I, .N, .F, .L]
            for type in types {
                let text = RecordTables.columnType(RecordLayout.Column(name: "v", itemName: "v", type: type), .sqlite) == "TEXT"
                let json =
                    #"[{"v":12},{"v":12.0},{"v":12.50},{"v":-0.0},{"v":1e3},{"v":true},{"v":null},{"v":123456789012.25},{"v":-7}"#
                    + (text ? #",{"v":"12"},{"v":"2026-01-02"}]"# : "]")
                let c = RecordLayout.Column(name: "v", itemName: "v", type: type)
                let declared = RecordTables.columnType(c, .sqlite)
                try await sql.raw("CREATE TEMP TABLE affinity_check (n INTEGER, v \(unsafeRaw: declared))").run()
                try await sql.raw("INSERT INTO affinity_check SELECT key, value ->> '$.v' FROM jsonb_each(\(bind: json))").run()
                // A filter binds its value as text: the comparison must apply the column's affinity alike.
                let stored = try await sql.raw(
                    "SELECT n, typeof(v) AS t, quote(v) AS q, coalesce(v >= \(bind: "12"), -1) AS ge FROM affinity_check ORDER BY n"
                ).all()
                let derived = try await sql.raw(
                    """
                    SELECT key AS n, typeof(x) AS t, quote(x) AS q, coalesce(x >= \(bind: "12"), -1) AS ge FROM \
                    (SELECT key, \(RecordWriter.storedValue(c, "value ->> '$.v'")) AS x FROM jsonb_each(\(bind: json))) ORDER BY key
                    """
                ).all()
                #expect(stored.count == derived.count)
                for (a, b) in zip(stored, derived) {
                    let row = try a.decode(column: "n", as: Int.self)
                    for column in ["t", "q"] {
                        #expect(try a.decode(column: column, as: String.self) == b.decode(column: column, as: String.self), "\(declared) row \(row) \(column)")
                    }
                    #expect(try a.decode(column: "ge", as: Int.self) == b.decode(column: "ge", as: Int.self), "\(declared) row \(row) ≥ '12'")
                }
                try await sql.raw("DROP TABLE affinity_check").run()
            }
        }
    }

    // MARK: Answers

    /// An HTTP answer as the engine wrote it: the API marks region-coded groups for maps
    /// (`"semantic":"regionCode"`) after either path, rollup or direct.
    static func engineAnswer(_ body: String) -> String { body.replacingOccurrences(of: #","semantic":"regionCode""#, with: "") }

    /// Through HTTP the rollup's answer is the direct one, byte for byte, for the provider and for an
    /// open-portal reader (suppression, sort, top N and the other row).
    @Test func httpAnswersAreByteIdentical() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app, openToPublic: true)
            var rng = Seeded(state: 7)
            try await load(app, f, rows: Array(0..<45), mode: "replace", &rng)
            let spec = Self.specs[0]
            _ = try await register(app, f, group: spec.group, measures: spec.measures)
            _ = try await register(app, f, group: "region_code", measures: "count,sum(registered_capital),max(registered_capital)")
            let provider = try await app.token(f.steward)
            for (measures, variant) in [
                (spec.measures, "&top=2"), (spec.measures, "&sort=-count"), ("count,sum(registered_capital),max(registered_capital)", "&top=2"),
                ("max(registered_capital),count,sum(registered_capital)", "&top=3&sort=region_code")
            ] {
                let q = "group=region_code&measures=\(measures)\(variant)"
                let (request, query) = try await parsed(app, f, q)
                for (token, k) in [(provider, nil), (nil, 5)] as [(String?, Int?)] {
                    let direct = try await AggregateAPI.run(request, query: query, k: k, language: "zh", on: app.db.sql)
                    #expect(try await AggregateRollups.answer(request, resource: f.code, query: query, view: nil, k: k, language: "zh", on: app.db.sql) != nil)
                    let res = try await app.send(.GET, "/api/v1/resources/\(f.code)/aggregate?\(q)", token: token)
                    #expect(res.status == .ok)
                    #expect(Self.engineAnswer(res.body.string) == direct.json, "\(q) k=\(k ?? 0)")
                    let csv = try await app.send(.GET, "/api/v1/resources/\(f.code)/aggregate?\(q)&format=csv", token: token)
                    #expect(csv.body.string == "\u{FEFF}" + direct.csv)
                }
            }
            // Every aggregate is audited, from a rollup as directly.
            let audited = try await app.db.sql.raw(
                "SELECT COUNT(*) AS n FROM audit_log WHERE resource_code = \(bind: f.code) AND operation = 'query.aggregate'"
            ).first()?.decode(column: "n", as: Int.self)
            #expect(audited == 16)
        }
    }

    /// A grant whose row scope narrows the store is answered directly (the rollup covers every row).
    @Test func rowScopedGrantIsAnsweredDirectly() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            var rng = Seeded(state: 3)
            try await load(app, f, rows: Array(0..<20), mode: "replace", &rng)
            _ = try await register(app, f, group: "region_code", measures: "count")
            let consumer = try await app.token("jtj_steward")
            let lastKey = (0..<20).map { f.key($0) }.sorted()[9]
            let grant = try await app.grantAtOnce(f, consumer: consumer, items: f.layout.columns.map(\.name), lastKey: lastKey, purpose: "统计")
            let res = try await app.send(.GET, "/api/v1/resources/\(f.code)/aggregate?group=region_code&purpose=统计", token: consumer)
            #expect(res.status == .ok)
            let total = try JSONSerialization.jsonObject(with: Data(res.body.string.utf8)) as? [String: Any]
            let suppressedAndShown = (total?["total"] as? Int ?? 0)
            #expect(suppressedAndShown <= 10, "the grant's ten rows at most, not the store's twenty")
            let (request, query) = try await parsed(app, f, "group=region_code")
            let view = GrantView(
                grantID: try grant.requireID(), consumerCode: "x", columns: f.layout.columns,
                conditions: [RecordCondition(column: f.keyColumn, op: .lte, values: [lastKey])], masks: [:], pseudonymKey: [])
            #expect(try await AggregateRollups.answer(request, resource: f.code, query: query, view: view, k: 5, language: "zh", on: app.db.sql) == nil)
        }
    }

    // MARK: Stale

    /// A rollup whose spec no longer applies is marked stale by the next write (which still commits),
    /// is never read, fails to rebuild with its reason, and is rebuilt once it applies again.
    @Test func staleRollupsAreNotReadAndAreRebuilt() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            var rng = Seeded(state: 5)
            try await load(app, f, rows: Array(0..<20), mode: "replace", &rng)
            let row = try await register(app, f, group: "region_code", measures: "count,sum(registered_capital),min(registered_capital)")
            let good = try await app.db.sql.raw("SELECT spec FROM aggregate_rollups WHERE id = \(bind: row.id)").first()!.decode(
                column: "spec", as: String.self)
            try await app.db.sql.raw(
                "UPDATE aggregate_rollups SET spec = \(bind: good.replacingOccurrences(of: "min(registered_capital)", with: "min(gone)")) WHERE id = \(bind: row.id)"
            ).run()
            try await load(app, f, rows: Array(20..<25), mode: "append", &rng)
            var listed = try await AggregateRollups.find(f.code, id: row.id, on: app.db.sql)
            #expect(listed.state == "stale")
            #expect(listed.error?.contains("gone") == true)
            let q = "group=region_code&measures=count,sum(registered_capital),min(registered_capital)"
            let (request, query) = try await parsed(app, f, q)
            #expect(try await AggregateRollups.answer(request, resource: f.code, query: query, view: nil, k: nil, language: "zh", on: app.db.sql) == nil)
            let http = try await app.send(.GET, "/api/v1/resources/\(f.code)/aggregate?\(q)", token: try await app.token(f.steward))
            #expect(Self.engineAnswer(http.body.string) == (try await AggregateAPI.run(request, query: query, k: nil, language: "zh", on: app.db.sql)).json)
            // The worker tries it: it fails with the reason and waits before trying again.
            #expect(try await AggregateRollups.rebuildStale(on: app.db))
            listed = try await AggregateRollups.find(f.code, id: row.id, on: app.db.sql)
            #expect(listed.state == "failed")
            #expect(try await AggregateRollups.rebuildStale(on: app.db) == false)
            // Fixed, marked stale again (as a failed maintenance marks it), rebuilt by the worker: ready at the store's position.
            try await app.db.sql.raw("UPDATE aggregate_rollups SET spec = \(bind: good), state = 'stale' WHERE id = \(bind: row.id)").run()
            #expect(try await AggregateRollups.rebuildStale(on: app.db))
            listed = try await AggregateRollups.find(f.code, id: row.id, on: app.db.sql)
            #expect(listed.state == "ready")
            #expect(listed.error == nil)
            try await expectRollupMatches(app, f, q, "after the rebuild")
            try await expectCovered(app, f)
        }
    }

    /// Groups changed behind the rollup's back are put right by a rebuild (API), and a rollup that
    /// does not cover the store's last change is not read.
    @Test func rebuildRestoresAndUncoveredIsNotRead() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            var rng = Seeded(state: 11)
            try await load(app, f, rows: Array(0..<20), mode: "replace", &rng)
            let row = try await register(app, f, group: "region_code", measures: "count")
            let q = "group=region_code&measures=count"
            let (request, query) = try await parsed(app, f, q)
            try await app.db.sql.raw("UPDATE aggregate_rollups SET covered_seq = covered_seq - 1 WHERE id = \(bind: row.id)").run()
            #expect(try await AggregateRollups.answer(request, resource: f.code, query: query, view: nil, k: nil, language: "zh", on: app.db.sql) == nil)
            try await app.db.sql.raw("UPDATE aggregate_rollup_groups SET n = n + 100 WHERE rollup_id = \(bind: row.id)").run()
            let res = try await app.send(.POST, "/api/v1/resources/\(f.code)/aggregate/rollups/\(row.id)/rebuild", token: try await app.token(f.steward))
            #expect(res.status == .ok, "\(res.body.string)")
            try await expectRollupMatches(app, f, q, "after the rebuild")
        }
    }

    // MARK: Management

    @Test func listAndRemove() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            var rng = Seeded(state: 17)
            try await load(app, f, rows: Array(0..<12), mode: "replace", &rng)
            let row = try await register(app, f, group: "establish_date:quarter", measures: "count", filters: ["region_code__in": "440604,440605"])
            let provider = try await app.token(f.steward)
            let list = try await app.send(.GET, "/api/v1/resources/\(f.code)/aggregate/rollups", token: provider)
            #expect(list.status == .ok)
            struct Page: Decodable { var items: [AggregateRollups.Row]; var total: Int }
            let page = try list.decode(Page.self)
            #expect(page.items.map(\.id) == [row.id])
            #expect(page.items[0].state == "ready")
            #expect(page.items[0].spec == "group=establish_date:quarter&measures=count&region_code__in=440604,440605")
            #expect((page.items[0].groups ?? 0) > 0)
            try await expectRollupMatches(app, f, "group=establish_date:quarter&measures=count&region_code__in=440604,440605", "registered")
            // The filters match as a set of conditions, whatever their spelling.
            try await expectRollupMatches(app, f, "group=establish_date:quarter&measures=count&region_code__in=440604,440605&sort=-count", "sorted")
            // Saving a chart of the same aggregate reuses the rollup.
            let same = try await AggregateRollups.ensure(
                AggregateRollupSpec(group: "establish_date:quarter", measures: "count", filters: [("region_code__in", "440604,440605")]),
                store: try await RecordStores.find(f.code, on: app.db), by: nil, on: app.db)
            #expect(same.id == row.id)
            let gone = try await app.send(.DELETE, "/api/v1/resources/\(f.code)/aggregate/rollups/\(row.id)", token: provider)
            #expect(gone.status == .noContent)
            let (request, query) = try await parsed(app, f, "group=establish_date:quarter&measures=count&region_code__in=440604,440605")
            #expect(try await AggregateRollups.answer(request, resource: f.code, query: query, view: nil, k: nil, language: "zh", on: app.db.sql) == nil)
            let rows = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM aggregate_rollup_groups WHERE rollup_id = \(bind: row.id)").first()?
                .decode(column: "n", as: Int.self)
            #expect(rows == 0)
        }
    }

    @Test func managementErrorsAreClear4xx() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            var rng = Seeded(state: 19)
            try await load(app, f, rows: Array(0..<5), mode: "replace", &rng)
            let provider = try await app.token(f.steward)
            let path = "/api/v1/resources/\(f.code)/aggregate/rollups"
            let cases: [([String: AnyEncodable], HTTPStatus, String, String)] = [
                (["group": AnyEncodable("nope")], .badRequest, "unknown_item", "group"),
                (["measures": AnyEncodable("sum(region_code)")], .badRequest, "measure_not_numeric", "measures"),
                (["group": AnyEncodable("region_code:month")], .badRequest, "invalid_bucket", "group"),
                (["measures": AnyEncodable("count,count")], .badRequest, "invalid_measure", "measures"),
                (["filters": AnyEncodable(["nope__eq": "1"])], .badRequest, "unknown_filter", "nope__eq"),
                (["filters": AnyEncodable(["sort": "-count"])], .badRequest, "invalid_rollup", "sort"),
                (["group": AnyEncodable(f.keyColumn.name)], .created, "", "")
            ]
            for (body, status, code, field) in cases {
                let res = try await app.send(.POST, path, token: provider, json: body)
                #expect(res.status == status, "\(body.keys): \(res.body.string)")
                if status != .created {
                    #expect(try res.errorBody().code == code)
                    #expect(try res.errorBody().details.first?.field == field)
                }
            }
            // The same aggregate again, filters spelled in another order: a duplicate.
            _ = try await register(
                app, f, group: "region_code", measures: "count,sum(registered_capital)", filters: ["region_code__ne": "x", "registered_capital__gt": "1"])
            let again = try await app.send(
                .POST, path, token: provider,
                json: [
                    "group": AnyEncodable("region_code"), "measures": AnyEncodable("sum(registered_capital),count"),
                    "filters": AnyEncodable(["registered_capital__gt": "1", "region_code__ne": "x"])
                ])
            #expect(again.status == .conflict)
            #expect(try again.errorBody().code == "duplicate_rollup")
            let unknown = try await app.send(.DELETE, path + "/no-such-rollup", token: provider)
            #expect(unknown.status == .notFound)
            #expect(try unknown.errorBody().code == "unknown_rollup")
            #expect(try unknown.errorBody().details.first?.field == "id")
            #expect(try await app.send(.POST, path + "/no-such-rollup/rebuild", token: provider).status == .notFound)
            // Another department, a reviewer, nobody: refused; the data authority may.
            for user in ["jtj_steward", "reviewer"] {
                let refused = try await app.send(.GET, path, token: try await app.token(user))
                #expect(refused.status == .forbidden || refused.status == .notFound, "\(user)")
            }
            #expect(try await app.send(.GET, path).status == .unauthorized)
            #expect(try await app.send(.GET, path, token: try await app.token("admin")).status == .ok)
        }
    }

    /// `databank stores rollups`: list, add, rebuild, remove; failures are one `error:` line.
    @Test func storesRollupsCommand() async throws {
        let binary = AuditCLITests.binary
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the databank binary first")
        let dir = try CLIFailureTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = dir.appendingPathComponent("db.sqlite")
        var code = ""
        try await AuditCLITests.withFileApp(database) { app in
            try await app.autoMigrate()
            _ = try await DemoLoader.load(DemoCity.generate(scale: .small), on: app.db)
            let f = try await StoreFixture.enterprise(app)
            code = f.code
            var rng = Seeded(state: 23)
            try await load(app, f, rows: Array(0..<10), mode: "replace", &rng)
        }
        let url = "sqlite://" + database.path
        func run(_ args: [String]) async throws -> ChildProcess.Result {
            try await CLIFailureTests.run(["stores", "rollups", code] + args, in: dir, database: url)
        }
        let added = try await run(["--add", "group=region_code&measures=count,sum(registered_capital)"])
        #expect(added.status == 0, "\(added.stderr)")
        let id = try #require(added.stdout.split(separator: " ").dropFirst().first.map { String($0.dropLast()) })
        let listed = try await run([])
        #expect(listed.stdout.contains("\(id)\tready\t"), "\(listed.stdout)")
        #expect(listed.stdout.contains("group=region_code&measures=count,sum(registered_capital)"))
        #expect(try await run(["--rebuild", id]).stdout.hasPrefix("rebuilt \(id)"))
        CLIFailureTests.expectOneErrorLine(try await run(["--add", "group=region_code&measures=count,sum(registered_capital)"]), status: 1, "duplicate")
        CLIFailureTests.expectOneErrorLine(try await run(["--add", "group=nope"]), status: 1, "unknown item")
        CLIFailureTests.expectOneErrorLine(try await run(["--add", "group=region_code&top=3"]), status: 1, "top in a rollup")
        CLIFailureTests.expectOneErrorLine(try await run(["--rebuild", "nope"]), status: 1, "unknown id")
        CLIFailureTests.expectOneErrorLine(try await run(["--remove", id, "--rebuild", id]), status: 1, "two actions")
        #expect(try await run(["--remove", id]).stdout.hasPrefix("removed \(id)"))
        CLIFailureTests.expectOneErrorLine(try await run(["--remove", id]), status: 1, "removed twice")
        CLIFailureTests.expectOneErrorLine(
            try await CLIFailureTests.run(["stores", "rollups", "999999-99999"], in: dir, database: url), status: 1, "unknown resource")
    }
}
