import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The demo's bus positions, open to the public (无条件开放) with a day of reports loaded, and its
/// plate number made sensitive, so the open endpoints must show it under its default mask.
struct OpenBusStream {
    var code: String
    var buses: Int

    static let name = "公交车辆实时位置"

    static func make(_ app: Application) async throws -> OpenBusStream {
        let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$name == name).first())
        #expect(resource.openType == OpenType.unconditional.rawValue, "the demo opens its bus positions")
        let loaded = try await DemoRecords.load(on: app.db) { $0.name == name }
        #expect(loaded > 0)
        var snapshot = try #require(resource.catalogSnapshot)
        let index = try #require(snapshot.items.firstIndex { $0.column == "plate_no" })
        snapshot.items[index].sensitivity = .sensitive
        resource.snapshot = JSONText.encode(snapshot)
        try await resource.save(on: app.db)
        #expect(try await GrantAccess.defaultMasks(resource: resource, on: app.db)["plate_no"] != .clear)
        let store = try await RecordStores.find(resource.code, on: app.db)
        return OpenBusStream(code: resource.code, buses: try await StreamStores.latest(store, limit: 1_000, on: app.db.sql).count)
    }

    /// Whether `text` shows any bus's plate in clear.
    func leaks(_ text: String) -> Bool { (0..<buses).contains { text.contains(DemoBusFleet.plate($0)) } }
}

/// Real-time open data through the real HTTP app: `latest` and `events` for anyone, masked as the
/// portal masks, only for 无条件开放 streams; and the live page's map of Foshan.
@Suite("Open real-time streams")
struct OpenStreamTests {
    /// `latest` gives every bus's newest report once, with its time, under the default masks.
    @Test func latestIsMaskedAndOnePerEntity() async throws {
        try await withDataBank { app in
            let bus = try await OpenBusStream.make(app)
            let res = try await app.send(.GET, "/api/v1/open/streams/\(bus.code)/latest")
            #expect(res.status == .ok, "\(res.body.string)")
            let page = try #require(try JSONSerialization.jsonObject(with: Data(res.body.string.utf8)) as? [String: Any])
            let items = try #require(page["items"] as? [[String: Any]])
            #expect(items.count == bus.buses && bus.buses == 40)
            #expect(Set(items.compactMap { $0["vehicle_id"] as? String }).count == bus.buses)
            #expect(page["timeField"] as? String == "gps_time")
            #expect(items.allSatisfy { ($0["gps_time"] as? String)?.isEmpty == false })
            #expect(items.allSatisfy { $0["plate_no"] != nil })
            let leaked = bus.leaks(res.body.string)
            #expect(!leaked, "no plate in clear")
            #expect((page["lastSeq"] as? Int ?? 0) > 0)
        }
    }

    /// `events` sends each new report with its sequence number; `Last-Event-ID` resumes after it, masked.
    @Test func eventsResumeFromLastEventID() async throws {
        try await withServedDataBank { app, port, _ in
            let bus = try await OpenBusStream.make(app)
            let store = try await RecordStores.find(bus.code, on: app.db)
            let before = store.lastSeq
            // A round of live reports: one change per bus.
            let written = try await DemoBusFeed.report(at: Date().addingTimeInterval(15), on: app.db)
            #expect(written == bus.buses)
            let text = try await readEvents(
                "http://127.0.0.1:\(port)/api/v1/open/streams/\(bus.code)/events", token: nil,
                headers: ["Last-Event-ID: \(before + bus.buses - 3)"], events: 3)
            let ids = text.split(separator: "\n").filter { $0.hasPrefix("id: ") }.map { Int($0.dropFirst(4)) ?? -1 }
            #expect(ids == [before + bus.buses - 2, before + bus.buses - 1, before + bus.buses])
            #expect(text.contains("event: change") && text.contains("\"vehicle_id\""))
            let leaked = bus.leaks(text)
            #expect(!leaked, "no plate in clear")
        }
    }

    /// A stream not open to the public answers exactly as an unknown code (有条件开放: apply first).
    @Test func notOpenStreamsAnswerAsUnknown() async throws {
        try await withDataBank { app in
            let bus = try await OpenBusStream.make(app)
            let unknown = try await app.send(.GET, "/api/v1/open/streams/NO-SUCH-CODE/latest")
            #expect(unknown.status == .notFound)
            try await app.setOpenType(bus.code, .closed)
            for path in ["latest", "events"] {
                let res = try await app.send(.GET, "/api/v1/open/streams/\(bus.code)/\(path)")
                #expect(res.status == .notFound, "\(path)")
                #expect(try res.errorBody().code == unknown.errorBody().code)
            }
            try await app.setOpenType(bus.code, .conditional)
            let conditional = try await app.send(.GET, "/api/v1/open/streams/\(bus.code)/latest")
            #expect(conditional.status == .forbidden)
            #expect(try conditional.errorBody().code == "apply_required")
        }
    }

    /// An open dataset that is not a stream has no `latest`: 409 `not_a_stream`, never a 500.
    @Test func tableIsNotAStream() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app, rows: 3)
            let res = try await app.send(.GET, "/api/v1/open/streams/\(f.code)/latest")
            #expect(res.status == .conflict)
            #expect(try res.errorBody().code == "not_a_stream")
            let bad = try await app.send(.GET, "/api/v1/open/streams/\(f.code)/events?after=-1")
            #expect(bad.status == .conflict || bad.status == .badRequest)
        }
    }

    /// One client holds at most the configured number of event streams: one more is 429 `too_many_streams`.
    @Test func eventStreamsAreBoundedPerClient() async throws {
        try await withDataBank(adjust: { $0.openStreamsPerClient = 1 }) { app in
            let bus = try await OpenBusStream.make(app)
            let slot = "\(ObjectIdentifier(app).hashValue)|local"  // in-process requests have no socket
            #expect(await OpenStreamSlots.shared.take(slot, limit: 1))
            let res = try await app.send(.GET, "/api/v1/open/streams/\(bus.code)/events")
            await OpenStreamSlots.shared.give(slot)
            #expect(res.status == .tooManyRequests)
            #expect(try res.errorBody().code == "too_many_streams")
        }
    }

    /// `/live` draws Foshan's five districts, a dot per bus and a marker per car park, and names the
    /// feeds its script follows (no inline script); in Chinese and in English.
    @Test func livePageRendersTheMap() async throws {
        try await withDataBank { app in
            let bus = try await OpenBusStream.make(app)
            _ = try await DemoRecords.load(on: app.db) { $0.name == DemoParkingFeed.resourceName }
            let res = try await app.send(.GET, "/live")
            #expect(res.status == .ok)
            let html = res.body.string
            for code in ["440604", "440605", "440606", "440607", "440608"] { #expect(html.contains("class=\"district d\(code)\""), "\(code)") }
            #expect(html.contains("禅城区") && html.contains("顺德区"))
            #expect(html.components(separatedBy: "<circle class=\"bus\"").count - 1 == bus.buses)
            #expect(html.contains("<rect class=\"carpark vac-"))
            #expect(html.contains("data-events=\"/api/v1/open/streams/\(bus.code)/events?after="))
            #expect(html.contains("<script src=\"/live.js\"") && !html.contains("<script>"))
            #expect(html.contains("data-testid=\"map-attribution\"") && html.contains("foshan-districts-LICENCE.txt"))
            let leaked = bus.leaks(html)
            #expect(!leaked, "no plate in clear")
            let en = try await app.send(.GET, "/live?lang=en")
            #expect(en.body.string.contains("Chancheng") && en.body.string.contains("Live buses and car parks"))
            let home = try await app.send(.GET, "/")
            #expect(home.body.string.contains("href=\"/live\""))
            let dataset = try await app.send(.GET, "/datasets/\(bus.code)")
            #expect(dataset.body.string.contains("data-testid=\"live-link\""))
            let licence = try await app.send(.GET, "/foshan-districts-LICENCE.txt")
            #expect(licence.status == .ok && licence.body.string.contains("MIT License"))
        }
    }
}
