import SQLKit
import Vapor
import DataBankCore

/// The change feed as a consumer sees it: only changes to rows inside its grant's scope, only
/// its granted items, masked. (A change that moves a row out of scope is not shown; the feed's
/// cursor still moves past it.)
enum ConsumerFeed {
    struct Change {
        var seq: Int
        var json: String?
    }

    static func changes(store: RecordStoreRow, view: GrantView, after: Int, limit: Int, today: CivilDate, on sql: any SQLDatabase) async throws -> [Change] {
        let rows = try await sql.raw(
            """
            SELECT seq, op, record_key, data, at_ms FROM \(ident: store.tables.changes) WHERE seq > \(bind: after) ORDER BY seq LIMIT \(literal: limit)
            """
        ).all()
        let layout = store.recordLayout
        return try rows.map { row in
            let seq = try row.decode(column: "seq", as: Int.self)
            let op = try row.decode(column: "op", as: String.self)
            guard
                let shown = visible(
                    op: op, key: try row.decode(column: "record_key", as: String?.self), data: try row.decode(column: "data", as: String?.self),
                    layout: layout, view: view, today: today)
            else { return Change(seq: seq, json: nil) }
            let at = try row.decode(column: "at_ms", as: Int.self)
            return Change(seq: seq, json: "{\"seq\":\(seq),\"op\":\"\(op)\",\"key\":\(shown.key),\"data\":\(shown.data),\"at\":\(at)}")
        }
    }

    /// What the consumer sees of one logged change: its key and data as JSON, masked by the grant; nil
    /// when the change lies outside the grant's rows. A delete reaches the consumer only if the deleted
    /// row was inside its scope; a delete logged without its row (before the row was kept) is shown only
    /// to unscoped grants.
    static func visible(op: String, key: String?, data: String?, layout: RecordLayout, view: GrantView, today: CivilDate) -> (key: String, data: String)? {
        let shownKey = key.map { maskedKey($0, layout: layout, view: view, today: today) } ?? "null"
        if op == "delete" {
            let inScope = data.map { maskedData($0, view: view, today: today) != nil } ?? view.conditions.isEmpty
            return inScope ? (shownKey, "null") : nil
        }
        guard let data else { return (shownKey, "null") }
        return maskedData(data, view: view, today: today).map { (shownKey, $0) }
    }

    /// The page as ``ChangeFeed/page(store:after:limit:on:)`` answers it.
    static func page(store: RecordStoreRow, view: GrantView, after: Int, limit: Int, today: CivilDate, on sql: any SQLDatabase) async throws -> ChangeFeed.Page
    {
        let all = try await changes(store: store, view: view, after: after, limit: limit, today: today, on: sql)
        let shown = all.compactMap(\.json)
        let next = all.last?.seq ?? after
        let head = try await sql.raw("SELECT last_seq FROM record_stores WHERE resource_code = \(bind: store.resourceCode)").first()
        let lastSeq = try head?.decode(column: "last_seq", as: Int.self) ?? next
        return ChangeFeed.Page(
            json: "{\"items\":[" + shown.joined(separator: ",") + "],\"next\":\(next),\"lastSeq\":\(lastSeq)}",
            count: shown.count, next: next)
    }

    /// The record's data restricted to the grant and masked; nil when the row is outside the scope.
    static func maskedData(_ text: String, view: GrantView, today: CivilDate) -> String? {
        var fields: [String: String?] = [:]
        var reader = JSONRecordReader(mode: .lines)
        var bytes = Array(text.utf8); bytes.append(0x0A)
        try? bytes.withUnsafeBufferPointer { buffer in
            try reader.feed(buffer) { result in
                guard case .success(let record) = result else { return }
                for (name, value) in record.fields {
                    switch value {
                    case .null: fields[name] = .some(nil)
                    case .string(let b), .literal(let b): fields[name] = String(decoding: b, as: UTF8.self)
                    }
                }
            }
        }
        for condition in view.conditions where !condition.matches(fields[condition.column.name] ?? nil) { return nil }
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (i, c) in view.columns.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            // Column names are identifiers (letters, digits, underscores): nothing to escape.
            out.append(UInt8(ascii: "\"")); out.append(contentsOf: c.name.utf8); out.append(contentsOf: "\":".utf8)
            append(fields[c.name] ?? nil, column: c, view: view, today: today, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    static func maskedKey(_ text: String, layout: RecordLayout, view: GrantView, today: CivilDate) -> String {
        // A key that cannot be read is not shown (never its stored, possibly clear, text).
        guard let values = try? JSONDecoder().decode([KeyPart].self, from: Data(text.utf8)) else { return "null" }
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (i, (c, v)) in zip(layout.keyColumns, values).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            append(v.text, column: c, view: view, today: today, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    static func append(_ value: String?, column c: RecordLayout.Column, view: GrantView, today: CivilDate, to out: inout [UInt8]) {
        let rule = view.rule(c.name)
        guard let shown = rule == .clear ? value : view.mask(value, column: c.name, today: today) else { out.append(contentsOf: "null".utf8); return }
        if rule == .clear, [.I, .N, .Y, .F, .B, .L].contains(c.type) {
            out.append(contentsOf: shown.utf8)
        } else {
            var v = shown; v.withUTF8 { FieldConverter.appendString($0, to: &out) }
        }
    }

    /// A key value as JSON holds it: text, number or boolean.
    struct KeyPart: Decodable {
        var text: String?
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() {
                text = nil
            } else if let s = try? c.decode(String.self) {
                text = s
            } else if let i = try? c.decode(Int.self) {
                text = String(i)
            } else if let b = try? c.decode(Bool.self) {
                text = b ? "true" : "false"
            } else {
                text = String(try c.decode(Double.self))
            }
        }
    }
}
