import Fluent
import Foundation
import Vapor
import DataBankCore

/// Another DataBank's change feed (`{"kind": "databank", "node": "<peer>", "resource": "<code there>"}`):
/// the records of a resource granted at a peer node to this connector's department, relayed into the
/// connector's store. Every page is a request signed as this node on behalf of the department
/// (``PeerFeed`` at the owner: authorized there by the grant, audited at both ends under one request
/// hash); the feed's cursor is the connector's watermark, committed by the runner after each page.
///
/// Within a page the last change of each key wins: upserts go to the ingest as NDJSON (renamed by
/// the mapping), deletes are applied to the store before the page is handed over; a replace at the
/// owner (its `reset` change) empties the store first. Replaying a page
/// after a crash is harmless (upserts and deletes are idempotent), so every change lands once.
struct DataBankSource: Sendable {
    /// What a databank connector's `watermarkColumn` is: the feed's cursor, not a column.
    static let watermarkColumn = "feed_cursor"
    static let watermarkType = "cursor"

    var node: String
    var resource: String
    var department: String
    var pageSize: Int?
    /// The store deletes are applied to; nil for a preview, which writes nothing.
    var target: String?

    init(_ source: ConnectorSource, department: String, target: String?) {
        node = source.node ?? ""; resource = source.resource ?? ""; self.department = department; self.target = target
        pageSize = source.pageSize
    }

    /// The settings' problems, each with its field.
    static func problems(_ source: ConnectorSource, department: String) -> [FieldError] {
        var out: [FieldError] = []
        if !NodeNaming.isValidCode(source.node ?? "") {
            out.append(FieldError(field: "source.node", code: "required", message: "请填写对端节点代码", messageEn: "source.node is the peer node's code"))
        }
        if (source.resource ?? "").isEmpty || (source.resource ?? "").count > 64 {
            out.append(
                FieldError(field: "source.resource", code: "required", message: "请填写资源在对端的代码", messageEn: "source.resource is the resource's code at the peer"))
        }
        if let size = source.pageSize, !(1...RecordQuery.maxPage).contains(size) {
            out.append(
                FieldError(field: "source.pageSize", code: "out_of_range", message: "每页变更数为 1–10000", messageEn: "source.pageSize is 1 to 10,000"))
        }
        if let d = source.department, d != department {
            out.append(
                FieldError(
                    field: "source.department", code: "not_own_department", message: "只能以连接器所属部门的授权转接数据",
                    messageEn: "A relay reads under the grant of the connector's own department (\(department))"))
        }
        for field in [("source.table", source.table), ("source.query", source.query), ("source.path", source.path), ("source.url", source.url)]
        where field.1 != nil {
            out.append(FieldError(field: field.0, code: "not_applicable", message: "数据节点来源不用此项", messageEn: "A databank source has no \(field.0)"))
        }
        return out
    }

    func read(_ read: SourceRead, app: Application, page: (SourcePage) async throws -> Void) async throws {
        guard let peer = try await FederationNodes.peer(node, on: app.db) else {
            throw AppError.field(
                .unprocessableEntity, "unknown_peer", "source.node", zh: "本节点未登记节点 \(node)", en: "Node \(node) is not a registered peer of this node")
        }
        let client = try await NodeClient.make(app: app, on: app.db)
        var store: RecordStoreRow?
        if let target, read.limit == nil {
            let found = try await RecordStores.find(target, on: app.db)
            // Deletes are applied beside the ingest: a load held in one transaction (the reject policy) would wait on them.
            if try await QualitySetup.load(found, on: app.db).policy == .reject {
                throw AppError(
                    .unprocessableEntity, "relay_reject_policy",
                    "A relay feeds its store page by page; the store \(target) rejects whole loads (quality policy reject): use quarantine")
            }
            store = found
        }
        var cursor = read.after?.value
        var left = read.limit
        let size = min(max(pageSize ?? read.pageSize, 1), RecordQuery.maxPage)
        while true {
            var path = "/api/v1/federation/peer/records/\(Self.escape(resource))/changes?department=\(Self.escape(department))&limit=\(min(size, left ?? size))"
            if let cursor { path += "&after=" + Self.escape(cursor) }
            let answer = try await client.send(.GET, path, to: peer, operation: "federation.records.pull", resource: resource)
            guard answer.status == 200 else { throw PeerError.relay(answer, peer: node) }
            var feed = try Self.parse(Data(answer.body.readableBytesView), node: node, resource: resource)
            let changes = feed.items.count
            // A replace at the owner (`reset`) empties the store: what came before it in the page is moot.
            if let reset = feed.items.lastIndex(where: { $0.op == "reset" }) {
                if let store { _ = try await RecordWriter(store: store, mode: .replace, loadID: UUID()).write(RecordBatch(), first: true, on: app.db) }
                feed.items.removeFirst(reset + 1)
            }
            var out = SourcePage()
            out.ndjson = try Self.ndjson(feed.items, mapping: read.mapping)
            out.rows = changes
            out.watermarks = [Watermark(value: feed.cursor, type: Self.watermarkType)]
            // Every change has its own number: the page's cursor is exact, never a tie to read again.
            out.last = true
            if let store { try await Self.applyDeletes(feed.items, store: store, on: app.db) }
            try await page(out)
            cursor = feed.cursor
            if let l = left {
                left = l - changes
                if left! <= 0 { break }
            }
            if !feed.more { break }
        }
    }

    struct Change {
        var op: String
        var key: [Any]
        var keyText: String
        var data: [String: Any]?
    }

    struct Feed {
        var items: [Change]
        var cursor: String
        var more: Bool
    }

    static func parse(_ data: Data, node: String, resource: String) throws -> Feed {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let items = object["items"] as? [[String: Any]],
            let cursor = object["cursor"] as? String
        else { throw AppError(.badGateway, "peer_answer_invalid", "\(node)'s change feed answered something that is not a feed page") }
        guard object["node"] as? String == node, object["resource"] as? String == resource else {
            throw AppError(.badGateway, "peer_mismatch", "\(node)'s address answered for another node or resource")
        }
        let changes = try items.map { item -> Change in
            let key = item["key"] as? [Any] ?? []
            let keyText = String(decoding: try JSONSerialization.data(withJSONObject: key), as: UTF8.self)
            return Change(op: item["op"] as? String ?? "", key: key, keyText: keyText, data: item["data"] as? [String: Any])
        }
        return Feed(items: changes, cursor: cursor, more: object["more"] as? Bool ?? false)
    }

    /// The upserts whose key's last change in the page is not a delete, renamed by the mapping.
    static func ndjson(_ items: [Change], mapping: ConnectorMapping) throws -> [UInt8] {
        var last: [String: Int] = [:]
        for (i, c) in items.enumerated() { last[c.keyText] = i }
        var out: [UInt8] = []
        for (i, c) in items.enumerated() where c.op != "delete" && last[c.keyText] == i {
            guard let data = c.data else { continue }
            var row: [String: Any] = [:]
            if mapping.pairs.isEmpty {
                row = data
            } else {
                for pair in mapping.pairs { row[pair.item] = data[pair.source] ?? NSNull() }
            }
            out += Array(try JSONSerialization.data(withJSONObject: row))
            out.append(0x0A)
        }
        return out
    }

    /// Deletes the keys whose last change in the page is a delete (the key's parts in the store's key order).
    static func applyDeletes(_ items: [Change], store: RecordStoreRow, on db: any Database) async throws {
        var last: [String: Int] = [:]
        for (i, c) in items.enumerated() { last[c.keyText] = i }
        let keyColumns = store.recordLayout.keyColumns
        var keys: [[String: String]] = []
        for (i, c) in items.enumerated() where c.op == "delete" && last[c.keyText] == i {
            guard c.key.count == keyColumns.count, !keyColumns.isEmpty else {
                throw AppError(
                    .unprocessableEntity, "relay_key_mismatch",
                    "A delete at the peer names \(c.key.count) key parts; the store \(store.resourceCode) has \(keyColumns.count) key items")
            }
            var canonical: [String: String] = [:]
            for (column, value) in zip(keyColumns, c.key) {
                var bytes: [UInt8] = []
                if let problem = FieldConverter.appendJSON(text(value), as: column, to: &bytes) {
                    throw AppError(.unprocessableEntity, "relay_key_invalid", "A deleted key does not fit \(column.name): \(problem.messageEn)")
                }
                canonical[column.name] = RecordFilter.canonicalText(bytes)
            }
            keys.append(canonical)
        }
        guard !keys.isEmpty else { return }
        _ = try await RecordWriter(store: store, mode: .upsert, loadID: UUID()).delete(keys: keys, on: db)
    }

    /// A key part as text (a JSON number or boolean as written).
    static func text(_ value: Any) -> String? {
        if value is NSNull { return nil }
        if let s = value as? String { return s }
        let json = String(decoding: (try? JSONSerialization.data(withJSONObject: [value])) ?? Data("[]".utf8), as: UTF8.self)
        return String(json.dropFirst().dropLast())
    }

    static func escape(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text }
}
