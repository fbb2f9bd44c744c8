import Fluent
import Vapor
import DataBankCore

/// While the demo serves, the car parks report their free spaces every minute (``DemoCarParks``:
/// each car park's capacity and its kind's occupancy by hour, weekday or weekend), through the
/// real pipeline as the buses do — so the live page's vacancy markers change through the day.
enum DemoParkingFeed {
    static let resourceName = "停车场空余泊位"

    @discardableResult
    static func report(at now: Date = Date(), on db: any Database) async throws -> Int {
        try await DemoBusFeed.report(resourceName, at: now, on: db)
    }

    static func start(_ app: Application, interval: Int = 60) {
        let task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(interval))
                if Task.isCancelled { break }
                do { try await report(on: app.db) } catch { app.logger.warning("demo parking feed: \(error)") }
            }
        }
        app.lifecycle.use(DemoBusFeed.Stopper(task: task))
    }
}
