import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The portal's real-time data (bus positions, car-park vacancies): `latest` (the newest report of
/// every entity) and `events` (new reports as Server-Sent Events), for anyone. Both take the one read
/// decision for the public (``StoreReading/readAsPublic(_:code:)``), so only a 无条件开放 stream is
/// read, under its default masks; every other code answers as unknown (有条件开放: 403
/// `apply_required`). They are ordinary routes: whatever middleware the API has (limits, quotas) applies.
enum OpenStreams {
    /// The newest report per entity; at most this many entities.
    static let maxEntities = 5_000

    /// The store's entity and time columns, or 409 `not_a_stream` for a dataset that is no stream.
    static func streamColumns(_ read: StoreRead) throws -> (entity: [RecordLayout.Column], time: RecordLayout.Column) {
        let layout = read.store.recordLayout
        guard read.resource.format == ResourceFormat.stream.rawValue, let time = StreamStores.timeColumn(layout),
            !StreamStores.entityColumns(layout).isEmpty
        else {
            throw AppError.field(
                .conflict, "not_a_stream", "code", zh: "该数据集不是实时数据流，请使用数据下载或预览接口",
                en: "This dataset is not a real-time stream; use its downloads or preview")
        }
        return (StreamStores.entityColumns(layout), time)
    }

    /// `GET /api/v1/open/streams/{code}/latest?limit=`: every entity's newest record, masked as the
    /// portal masks, with its report time (`timeField`) and the change-log position to follow from
    /// (`lastSeq`, for `events?after=`).
    static func latest(req: Request) async throws -> Response {
        let read = try await StoreReading.readAsPublic(req, code: try req.parameters.require("code"))
        let (entity, time) = try streamColumns(read)
        let limit = try ListPaging.limit(req.query[String.self, at: "limit"], default: 1_000, range: 1...maxEntities)
        let view = try openView(read)
        // The position first: a report written while the rows are read is then sent again by `events`, never missed.
        let lastSeq = read.store.lastSeq
        let rows = try await StreamStores.latest(read.store, limit: limit, on: req.db.sql)
        let today = req.application.today
        let items = rows.compactMap { ConsumerFeed.maskedData($0, view: view, today: today) }
        let hash = RecordsAPI.requestHash(req)
        try await RecordsAPI.audit(req, read.store, "open.latest", fields: view.columns.map(\.name), count: items.count, purpose: nil, hash: hash)
        try await OpenCounters.count(.api, read.store.resourceCode, req: req)
        var body = "{\"items\":[" + items.joined(separator: ",") + "],\"total\":\(items.count)"
        body += ",\"fields\":" + JSONText.encode(view.columns.map(\.name))
        body += ",\"key\":" + JSONText.encode(entity.map(\.name)) + ",\"timeField\":" + JSONText.encode(time.name)
        body += ",\"lastSeq\":\(lastSeq)}"
        let response = RecordsAPI.response(body, type: "application/json; charset=utf-8", hash: hash)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        return response
    }

    /// `GET /api/v1/open/streams/{code}/events?after=SEQ` (or `Last-Event-ID`; by default from now on):
    /// each new report as `event: change` with `id: seq` and the masked record, a `: heartbeat` comment
    /// every 5 s of quiet; at most ``Settings/openStreamsPerClient`` at once per client address (429
    /// `too_many_streams`). The read decision is taken again every 5 s: a stream no longer open ends.
    static func events(req: Request) async throws -> Response {
        let read = try await StoreReading.readAsPublic(req, code: try req.parameters.require("code"))
        _ = try streamColumns(read)
        let view = try openView(read)
        let store = read.store
        let start =
            try FeedAPI.position(req.headers.first(name: "Last-Event-ID"), field: "Last-Event-ID")
            ?? FeedAPI.position(req.query[String.self, at: "after"], field: "after") ?? store.lastSeq
        let slot = "\(ObjectIdentifier(req.application).hashValue)|" + ClientAddress.of(req)
        let limit = req.application.settings.openStreamsPerClient
        guard await OpenStreamSlots.shared.take(slot, limit: limit) else {
            throw AppError(
                .tooManyRequests, "too_many_streams", "At most \(limit) open event streams at once per client; close one first",
                details: [
                    FieldError(
                        field: "code", code: "too_many_streams", message: "每个客户端最多同时打开 \(limit) 个实时事件流，请先关闭不用的连接",
                        messageEn: "At most \(limit) open event streams at once per client; close one first")
                ])
        }
        let who = AuditLog.Who.of(req)
        let db = req.db
        let application = req.application
        let requestID = req.id
        let hash = RecordsAPI.requestHash(req)
        let fields = view.columns.map(\.name)
        do {
            try await OpenCounters.count(.api, store.resourceCode, req: req)
        } catch {
            await OpenStreamSlots.shared.give(slot)
            throw error
        }
        let response = Response.eventStream(requestHash: hash)
        let loop = EventStreamLoop(
            retryMilliseconds: 3000, heartbeat: ": heartbeat", heartbeatPolls: 10,
            stillDecided: {
                try await StoreReading.currentAccess(.init(userID: nil, app: nil), code: store.resourceCode, today: application.today, on: db) == .openPortal
            },
            page: { cursor in
                try await ConsumerFeed.changes(store: store, view: view, after: cursor, limit: 1000, today: application.today, on: db.sql).map {
                    ($0.seq, $0.json)
                }
            },
            audit: { count, after, through in
                let subjects = try await AuditSubjects.hashesOfChanges(
                    store, after: after, through: through, view: view, today: application.today, trail: application.auditTrail, on: db.sql)
                try await AuditLog.append(
                    who, resource: store.resourceCode, operation: "open.events", fields: fields, count: count,
                    purpose: nil, requestID: requestID, requestHash: hash, subjects: subjects, on: db, trail: application.auditTrail)
            },
            end: { await OpenStreamSlots.shared.give(slot) })
        response.body = loop.body(from: start)
        return response
    }

    /// The portal's view of the store (the open decision always has one: every item under its default mask).
    static func openView(_ read: StoreRead) throws -> GrantView {
        guard let view = read.view else { throw StoreReading.unknown(read.resource.code) }
        return view
    }
}

/// How many open event streams each client holds, to bound them (``Settings/openStreamsPerClient``).
actor OpenStreamSlots {
    static let shared = OpenStreamSlots()
    private var held: [String: Int] = [:]

    /// Takes a slot for `client`; false when it already holds `limit`.
    func take(_ client: String, limit: Int) -> Bool {
        let n = held[client, default: 0]
        guard n < limit else { return false }
        held[client] = n + 1
        return true
    }

    func give(_ client: String) {
        let n = held[client, default: 0] - 1
        held[client] = n > 0 ? n : nil
    }

    func count(_ client: String) -> Int { held[client, default: 0] }
}
