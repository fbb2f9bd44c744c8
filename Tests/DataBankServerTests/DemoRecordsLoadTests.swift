import Testing
import Fluent
import SQLKit
import Vapor
import VaporTesting
@testable import DataBankServer
@testable import DataBankCore

/// The demo's records through the real app: loaded by `Loads.run`, checked by the quality checks.
@Suite("Demo records load")
struct DemoRecordsLoadTests {
    /// The small demo's stories: many stores get records, one load each, and every store's
    /// check gives validity 100 (the enterprise register's defective corrections wait in the quarantine).
    @Test func everyLoadedStoreIsValid() async throws {
        try await withDataBank { app in
            _ = try await DemoCommand.loadStories(volume: .small, on: app.db)
            let stores = try await RecordStoreRow.query(on: app.db).filter(\.$rowCount > 0).all()
            #expect(stores.count >= 10)
            for store in stores {
                let loads = try await LoadRow.query(on: app.db).filter(\.$resourceCode == store.resourceCode).filter(\.$source == "demo").count()
                #expect(loads == 1, "\(store.resourceCode): \(loads) loads")
                let run = try #require(
                    try await QualityRunRow.query(on: app.db).filter(\.$resourceCode == store.resourceCode)
                        .sort(\.$startedAt, .descending).first())
                #expect(run.detail?.scores.validity == 100, "\(store.resourceCode) validity \(run.detail?.scores.validity ?? -1): \(run.report.prefix(300))")
            }
            // Through the API as well, for the flagship register.
            let enterprise = try #require(try await ResourceRow.query(on: app.db).filter(\.$name == "企业登记信息表").first())
            let summary = try await app.send(.GET, "/api/v1/resources/\(enterprise.code)/quality").decode(QualityAPI.Summary.self)
            #expect(summary.latest?.scores?.validity == 100)
            #expect(summary.openQuarantine > 0)
        }
    }

    /// The sharing story's timeline: filed in the past, deadlines after filing, events in order,
    /// and the inbox's notifications dated as the application. The story needs the seed city's
    /// registers (the small city has no property or welfare rolls), so this one builds it in memory.
    @Test func sharingTimelineIsCoherent() async throws {
        try await withSeedCityInMemory { app in
            try await DemoSharing.load(on: app.db)
            let applications = try await ApplicationRow.query(on: app.db).all()
            #expect(applications.count >= 3)
            var overdue = 0
            for a in applications {
                let created = try #require(a.createdAt)
                #expect(created < Date())
                if let deadline = a.deadline {
                    #expect(deadline > GrantAccess.today(created).iso)
                }
                let events = try await ApplicationEventRow.query(on: app.db).filter(\.$applicationID == a.requireID()).sort(\.$at).all()
                #expect(events.first?.action == "applied")
                #expect(events.first?.at == created)
                if a.isOverdue(today: app.today) { overdue += 1 }
                if let decided = a.decidedAt { #expect(decided >= created) }
                let notes = try await NotificationRow.query(on: app.db).filter(\.$link == SiteURL.application(try a.requireID()).path).all()
                for n in notes { #expect((n.createdAt ?? .distantFuture) >= created) }
            }
            #expect(overdue == 1)
        }
    }

    /// While the demo serves, the buses report again: new positions, inside Foshan, at bus speeds.
    @Test func busesKeepMoving() async throws {
        try await withDataBank { app in
            _ = try await DemoRecords.load(volume: .small, on: app.db) { $0.name == DemoBusFeed.resourceName }
            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$name == DemoBusFeed.resourceName).first())
            let store = try await RecordStores.find(resource.code, on: app.db)
            let before = try await StreamStores.latest(store, limit: 1000, on: app.db.sql)
            let written = try await DemoBusFeed.report(at: Date().addingTimeInterval(60), on: app.db)
            #expect(written == before.count)
            let after = try await StreamStores.latest(store, limit: 1000, on: app.db.sql)
            #expect(after.count == before.count)
            #expect(Set(after) != Set(before))
            for row in after {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any])
                let lon = try #require((object["longitude"] as? NSNumber)?.doubleValue ?? Double(object["longitude"] as? String ?? ""))
                let lat = try #require((object["latitude"] as? NSNumber)?.doubleValue ?? Double(object["latitude"] as? String ?? ""))
                let speed = try #require((object["speed"] as? NSNumber)?.doubleValue ?? Double(object["speed"] as? String ?? ""))
                #expect((112.6...113.5).contains(lon) && (22.5...23.6).contains(lat))
                #expect((0...60).contains(speed))
            }
        }
    }
}
