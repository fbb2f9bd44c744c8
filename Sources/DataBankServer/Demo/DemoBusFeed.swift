import Fluent
import SQLKit
import Vapor
import DataBankCore

/// While the demo serves, the buses keep reporting: every `interval` seconds each bus of the
/// history sends its position from ``DemoBusFleet`` (the function the history came from), as one
/// load through the real pipeline — so the live map, SSE and webhooks move.
enum DemoBusFeed {
    static let resourceName = "公交车辆实时位置"

    /// One round of reports at `now` from every entity of the stream `name` (the buses by default;
    /// ``DemoParkingFeed`` sends the car parks' the same way); returns the number written (0 when
    /// the demo has no such store).
    @discardableResult
    static func report(_ name: String = resourceName, at now: Date = Date(), on db: any Database) async throws -> Int {
        guard let resource = try await ResourceRow.query(on: db).filter(\.$name == name).first(),
            let store = try? await RecordStores.find(resource.code, on: db), store.rowCount > 0
        else { return 0 }
        let buses = try await StreamStores.latest(store, limit: DemoBusFleet.maxBuses, on: db.sql).count
        guard buses > 0 else { return 0 }
        let rules = try await QualitySetup.load(store, on: db).rules
        // Rows 0..<buses of a one-tick generator: every bus, at `now`.
        let g = DemoRecordGenerator(
            layout: store.recordLayout, rules: rules, resourceName: name, rows: buses,
            nowLocalSeconds: DemoRecords.localNow(now), streamEntities: buses)
        let csv = Array((g.header + "\n" + g.csv(0..<buses)).utf8)
        let summary = try await Loads.run(
            store: store, mode: .upsert, format: .csv, encoding: .utf8, source: "demo live",
            who: AuditLog.Who(kind: "system", id: nil, name: "demo", departmentCode: store.departmentCode),
            on: db
        ) { ingest in try await ingest.feed(csv) }
        return summary.inserted + summary.updated
    }

    /// Starts the reporting loop; the returned handler stops it when the application shuts down.
    static func start(_ app: Application, interval: Int = 15) {
        let task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(interval))
                if Task.isCancelled { break }
                do { try await report(on: app.db) } catch { app.logger.warning("demo bus feed: \(error)") }
            }
        }
        app.lifecycle.use(Stopper(task: task))
    }

    struct Stopper: LifecycleHandler {
        let task: Task<Void, Never>
        func shutdown(_ application: Application) { task.cancel() }
        func shutdownAsync(_ application: Application) async { task.cancel(); await task.value }
    }
}
