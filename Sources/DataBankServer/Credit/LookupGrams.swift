import Fluent
import Foundation
import SQLKit
import Vapor
import DataBankCore

/// The n-gram index of `partial` look-up services (`lookup_grams`, migration `CreateLookupGrams`):
/// the character bigrams (``NameGrams``) of each record's key item values, by record key. Built in
/// one streamed pass when a service is made, then kept in step with the store through its change
/// log from the service's cursor (`lookup_gram_cursors`) — by the exchange worker, and by a
/// look-up itself before it asks, so a load is found at once. Every statement works on batches.
enum LookupGrams {
    /// Changes applied per transaction when following the change log.
    static let changesPerStep = 5_000
    /// Grams inserted per statement (three bound values each).
    static let rowsPerInsert = 300
    /// Records read per page when building.
    static let recordsPerPage = 5_000
    /// A gram's records are counted up to this many to find the rarest gram of a text.
    static let countCap = 2_000
    /// The most candidates a look-up re-checks (ten times the hits it answers: enough to put the
    /// shorter names first, few enough that a very common text stays cheap).
    static let candidateLimit = 200
    /// The most grams of a text that are looked at (a long text's grams, spread over it).
    static let gramsAsked = 12
    /// The most grams a candidate must hold besides the rarest (the re-check does the rest).
    static let gramsProbed = 5
    /// A store up to this many records is indexed in the request that defines the service; a larger
    /// one by the exchange worker (``followAll(on:)``).
    static let buildInRequestLimit = 100_000

    // MARK: Building and following

    /// Indexes every record of `store` for the service `code` and sets its cursor to the store's
    /// position read first: changes after it are replayed by ``follow(_:store:on:maxChanges:)``,
    /// which is idempotent, so loads during the build are not lost.
    static func build(_ code: String, items: [String], store: RecordStoreRow, on db: any Database) async throws {
        let sql = db.sql
        let head = try await sql.raw("SELECT last_seq FROM record_stores WHERE resource_code = \(bind: store.resourceCode)").first()
        let seq = try head?.decode(column: "last_seq", as: Int.self) ?? 0
        try await sql.raw("DELETE FROM lookup_grams WHERE service = \(bind: code)").run()
        try await sql.raw("DELETE FROM lookup_gram_cursors WHERE service = \(bind: code)").run()
        let layout = store.recordLayout
        let fields = (layout.keyNames + items.filter { !layout.keyNames.contains($0) }).joined(separator: ",")
        try await index(code, RecordQuery(store: store, params: [], fields: fields, sort: nil), layout: layout, items: items, on: sql)
        // Two builds of one service may overlap (the defining request and the worker): each indexes
        // every record after its own start, grams are inserted idempotently, and the earlier position
        // is kept, so following replays whatever either missed.
        try await sql.raw(
            """
            INSERT INTO lookup_gram_cursors (service, seq) VALUES (\(bind: code), \(bind: seq))
            ON CONFLICT (service) DO UPDATE SET seq = CASE WHEN excluded.seq < lookup_gram_cursors.seq THEN excluded.seq ELSE lookup_gram_cursors.seq END
            """
        ).run()
    }

    /// Applies up to `maxChanges` of the store's changes past the service's cursor; true when more wait.
    /// The cursor row is locked first, so two followers of one service take turns.
    @discardableResult
    static func follow(_ s: LookupServiceRow, store: RecordStoreRow, on db: any Database, maxChanges: Int = changesPerStep) async throws -> Bool {
        let code = s.code, items = s.keyItems, layout = store.recordLayout
        return try await db.transaction { tx in
            let sql = tx.sql
            guard let at = try await sql.raw("UPDATE lookup_gram_cursors SET seq = seq WHERE service = \(bind: code) RETURNING seq").first()
            else { return false }  // not built (yet)
            let from = try at.decode(column: "seq", as: Int.self)
            let changes = try await sql.raw(
                """
                SELECT seq, op, record_key FROM \(ident: store.tables.changes) WHERE seq > \(bind: from) ORDER BY seq LIMIT \(literal: maxChanges)
                """
            ).all()
            guard let last = changes.last else { return false }
            // Only which records changed matters: their values are read from the store as they are now.
            var touched: [String: [String]] = [:]
            var reset = false
            for c in changes {
                if try c.decode(column: "op", as: String.self) == "reset" {
                    reset = true
                    touched = [:]
                    continue
                }
                guard let keyJSON = try c.decode(column: "record_key", as: String?.self),
                    let values = (try? JSONSerialization.jsonObject(with: Data(keyJSON.utf8))) as? [Any]
                else { continue }
                let parts = values.map { text($0) ?? "" }
                touched[parts.joined(separator: "\u{1F}")] = parts
            }
            if reset { try await sql.raw("DELETE FROM lookup_grams WHERE service = \(bind: code)").run() }
            let keys = Array(touched.keys)
            for chunk in stride(from: 0, to: keys.count, by: rowsPerInsert).map({ Array(keys[$0..<min($0 + rowsPerInsert, keys.count)]) }) {
                let list = chunk.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ")
                try await sql.raw("DELETE FROM lookup_grams WHERE service = \(bind: code) AND record_key IN (\(list))").run()
            }
            // Read back by the key's first item (a composite key's other records of that value are
            // re-indexed too, harmlessly: their grams are the same).
            if let first = layout.keyColumns.first, !touched.isEmpty {
                let firstValues = Array(Set(touched.values.compactMap(\.first)))
                let fields = (layout.keyNames + items.filter { !layout.keyNames.contains($0) }).joined(separator: ",")
                for chunk in stride(from: 0, to: firstValues.count, by: 1_000).map({ Array(firstValues[$0..<min($0 + 1_000, firstValues.count)]) }) {
                    let query = try RecordQuery(
                        store: store, params: [], fields: fields, sort: nil, conditions: [RecordCondition(column: first, op: .in, values: chunk)])
                    try await index(code, query, layout: layout, items: items, on: sql)
                }
            }
            let seq = try last.decode(column: "seq", as: Int.self)
            try await sql.raw("UPDATE lookup_gram_cursors SET seq = \(bind: seq) WHERE service = \(bind: code)").run()
            return changes.count == maxChanges
        }
    }

    /// Follows every partial service's store a step, building the index of one not built yet (a
    /// large store's, left by the defining request); true when any has more waiting (the worker's loop).
    static func followAll(on db: any Database) async throws -> Bool {
        var more = false
        let built = Set(try await db.sql.raw("SELECT service FROM lookup_gram_cursors").all().map { try $0.decode(column: "service", as: String.self) })
        for s in try await LookupServiceRow.query(on: db).filter(\.$matchKind == LookupMatch.partial.rawValue).all() {
            guard let store = try? await RecordStores.find(s.resourceCode, on: db) else { continue }
            if !built.contains(s.code) {
                try await build(s.code, items: s.keyItems, store: store, on: db)
                more = true
            } else if try await follow(s, store: store, on: db) {
                more = true
            }
        }
        return more
    }

    /// Indexes every record `query` reads, a keyset page at a time.
    static func index(_ code: String, _ query: RecordQuery, layout: RecordLayout, items: [String], on sql: any SQLDatabase) async throws {
        var cursor: [String]? = nil
        repeat {
            let page = try await query.page(after: cursor, limit: recordsPerPage, on: sql)
            try await insert(code, records(page.rows, layout: layout, items: items), on: sql)
            cursor = page.next
        } while cursor != nil
    }

    /// Forgets a service's index.
    static func drop(_ code: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM lookup_grams WHERE service = \(bind: code)").run()
        try await sql.raw("DELETE FROM lookup_gram_cursors WHERE service = \(bind: code)").run()
    }

    /// (record key, grams) of rows rendered as JSON objects holding the key and the items.
    static func records(_ rows: [String], layout: RecordLayout, items: [String]) -> [(key: String, grams: Set<String>)] {
        rows.compactMap { row in
            guard let object = (try? JSONSerialization.jsonObject(with: Data(row.utf8))) as? [String: Any] else { return nil }
            let key = layout.keyNames.map { text(object[$0]) ?? "" }.joined(separator: "\u{1F}")
            var grams = Set<String>()
            for item in items { if let v = text(object[item]) { grams.formUnion(NameGrams.grams(v)) } }
            return (key, grams)
        }
    }

    static func insert(_ code: String, _ records: [(key: String, grams: Set<String>)], on sql: any SQLDatabase) async throws {
        var rows: [SQLQueryString] = []
        for r in records {
            for g in r.grams {
                rows.append("(\(bind: code), \(bind: g), \(bind: r.key))")
                if rows.count == rowsPerInsert {
                    try await insertRows(rows, sql)
                    rows = []
                }
            }
        }
        if !rows.isEmpty { try await insertRows(rows, sql) }
    }

    static func insertRows(_ rows: [SQLQueryString], _ sql: any SQLDatabase) async throws {
        try await sql.raw("INSERT INTO lookup_grams (service, gram, record_key) VALUES \(rows.joined(separator: ", ")) ON CONFLICT DO NOTHING").run()
    }

    /// A JSON value as the text the index keeps.
    static func text(_ value: Any?) -> String? {
        switch value {
        case nil, is NSNull: return nil
        case let s as String: return s
        case let n as NSNumber: return n.stringValue
        case let v?: return "\(v)"
        }
    }

    // MARK: Asking

    /// The keys of the records (at most ``candidateLimit``) holding every gram of `text` among the
    /// rarest few, the rarest read first: a range of the (service, gram, key) index, each other gram
    /// one probe of it per candidate.
    static func candidates(_ code: String, text: String, on sql: any SQLDatabase) async throws -> [String] {
        var grams = NameGrams.grams(text).sorted()
        if grams.count > gramsAsked {
            let step = Double(grams.count - 1) / Double(gramsAsked - 1)
            grams = (0..<gramsAsked).map { grams[Int((Double($0) * step).rounded())] }
        }
        guard !grams.isEmpty else { return [] }
        let counts = grams.enumerated().map { i, g -> SQLQueryString in
            """
            SELECT \(literal: i) AS i, COUNT(*) AS n FROM (SELECT 1 AS x FROM lookup_grams WHERE service = \(bind: code) AND gram = \(bind: g) LIMIT \(literal: countCap)) \(ident: "t\(i)")
            """
        }
        var rarity: [(gram: String, n: Int)] = []
        for row in try await sql.raw(counts.joined(separator: " UNION ALL ")).all() {
            rarity.append((grams[try row.decode(column: "i", as: Int.self)], try row.decode(column: "n", as: Int.self)))
        }
        rarity.sort { ($0.n, $0.gram) < ($1.n, $1.gram) }
        guard let rarest = rarity.first, rarest.n > 0 else { return [] }
        let probes = rarity.dropFirst().prefix(gramsProbed).map { g -> SQLQueryString in
            """
             AND EXISTS (SELECT 1 FROM lookup_grams b WHERE b.service = a.service AND b.gram = \(bind: g.gram) AND b.record_key = a.record_key)
            """
        }
        let rows = try await sql.raw(
            """
            SELECT a.record_key AS k FROM lookup_grams a WHERE a.service = \(bind: code) AND a.gram = \(bind: rarest.gram)\(probes.joined(separator: "")) \
            LIMIT \(literal: candidateLimit)
            """
        ).all()
        return try rows.map { try $0.decode(column: "k", as: String.self) }
    }
}
