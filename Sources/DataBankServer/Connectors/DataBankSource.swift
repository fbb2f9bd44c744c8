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
/// Within a page the last change of each key wins: upserts go to the ingest as the page's objects, each
/// record's data where it lies as the owner sent it (``ChangeFeedPage`` finds it in the page's bytes; the
/// ingest reads its members in place, ``FlatObjects``, and renames by the mapping); deletes are applied
/// to the store before the page is handed over; a replace at the owner (its `reset` change) empties the
/// store first. The next page is asked for while one is ingested. Replaying a page
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
        var left = read.limit
        // The largest page the owner serves unless the connector asks for smaller ones: fewer round trips and commits.
        let size = min(max(pageSize ?? RecordQuery.maxPage, 1), RecordQuery.maxPage)
        let fetch = { @Sendable (cursor: String?, limit: Int) async throws -> ChangeFeedPage in
            try await self.fetch(after: cursor, limit: limit, from: peer, client: client)
        }
        // The next page is asked for while this one is ingested: the owner builds it meanwhile.
        let (start, first) = (read.after?.value, min(size, left ?? size))
        var next: Task<ChangeFeedPage, any Error>? = Task { try await fetch(start, first) }
        defer { next?.cancel() }
        while let asked = next {
            var feed = try await asked.value
            next = nil
            let changes = feed.changes.count
            if let l = left { left = l - changes }
            if let cursor = feed.cursor, feed.more, (left ?? 1) > 0 {
                let limit = min(size, left ?? size)
                next = Task { try await fetch(cursor, limit) }
            }
            // A replace at the owner (`reset`) empties the store: what came before it in the page is moot.
            if let reset = feed.changes.lastIndex(where: { $0.op == .reset }) {
                if let store { _ = try await RecordWriter(store: store, mode: .replace, loadID: UUID()).write(RecordBatch(), first: true, on: app.db) }
                feed.changes.removeFirst(reset + 1)
            }
            let last = Self.lastChanges(feed)
            var out = SourcePage()
            out.objects = Self.records(feed, last: last)
            out.rows = changes
            out.watermarks = [Watermark(value: feed.cursor ?? "", type: Self.watermarkType)]
            // Every change has its own number: the page's cursor is exact, never a tie to read again.
            out.last = true
            if let store { try await Self.applyDeletes(feed, last: last, store: store, on: app.db) }
            try await page(out)
        }
    }

    /// One page of the owner's feed, its node and resource checked.
    func fetch(after cursor: String?, limit: Int, from peer: FederationNodeRow, client: NodeClient) async throws -> ChangeFeedPage {
        var path = "/api/v1/federation/peer/records/\(Self.escape(resource))/changes?department=\(Self.escape(department))&limit=\(limit)"
        if let cursor { path += "&after=" + Self.escape(cursor) }
        let answer = try await client.send(.GET, path, to: peer, operation: "federation.records.pull", resource: resource)
        guard answer.status == 200 else { throw PeerError.relay(answer, peer: node) }
        return try Self.parse(Array(answer.body.readableBytesView), node: node, resource: resource)
    }

    static func parse(_ bytes: [UInt8], node: String, resource: String) throws -> ChangeFeedPage {
        guard let feed = try? ChangeFeedPage(bytes), feed.cursor != nil else {
            throw AppError(.badGateway, "peer_answer_invalid", "\(node)'s change feed answered something that is not a feed page")
        }
        guard feed.node == node, feed.resource == resource else {
            throw AppError(.badGateway, "peer_mismatch", "\(node)'s address answered for another node or resource")
        }
        return feed
    }

    /// For each change, whether it is the last change of its key in the page (the one that counts).
    static func lastChanges(_ feed: ChangeFeedPage) -> [Bool] {
        var at: [ArraySlice<UInt8>: Int] = [:]
        at.reserveCapacity(feed.changes.count)
        for (i, c) in feed.changes.enumerated() { at[feed.bytes[c.key]] = i }
        var last = [Bool](repeating: false, count: feed.changes.count)
        for i in at.values { last[i] = true }
        return last
    }

    /// The upserts whose key's last change in the page is not a delete: each record's data where it lies
    /// in the page as the owner sent it (the ingest reads its members in place, renames them by the
    /// mapping and reads only the items it maps).
    static func records(_ feed: ChangeFeedPage, last: [Bool]) -> FlatObjects {
        var out = FlatObjects(bytes: feed.bytes)
        out.ranges.reserveCapacity(feed.changes.count)
        for (i, c) in feed.changes.enumerated() where c.op == .upsert && last[i] {
            if let data = c.data { out.ranges.append(data) }
        }
        return out
    }

    /// Deletes the keys whose last change in the page is a delete (the key's parts in the store's key order).
    /// Deletes are few: their keys are read with `JSONSerialization`, off the upserts' path.
    static func applyDeletes(_ feed: ChangeFeedPage, last: [Bool], store: RecordStoreRow, on db: any Database) async throws {
        let keyColumns = store.recordLayout.keyColumns
        var keys: [[String: String]] = []
        for (i, c) in feed.changes.enumerated() where c.op == .delete && last[i] {
            let key = (try? JSONSerialization.jsonObject(with: Data(feed.bytes[c.key]), options: [.fragmentsAllowed])) as? [Any] ?? []
            guard key.count == keyColumns.count, !keyColumns.isEmpty else {
                throw AppError(
                    .unprocessableEntity, "relay_key_mismatch",
                    "A delete at the peer names \(key.count) key parts; the store \(store.resourceCode) has \(keyColumns.count) key items")
            }
            var canonical: [String: String] = [:]
            for (column, value) in zip(keyColumns, key) {
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
