import Fluent
import Vapor
import DataBankCore

/// The demo serves within seconds with a few thousand records in its flagship stores, then fills
/// them to their full size (10,000–100,000 records, ``DemoRecordPlan``) in the background while
/// people look around: one load per store through the real pipeline, the registers first (other
/// stores name their people and companies). A demo stopped half-way goes on at its next start;
/// a store's load is one transaction, so none is left half-filled.
enum DemoFlagshipFill {
    /// The flagship stores still below their full size, registers first.
    static func pending(on db: any Database) async throws -> [DemoRecordTarget] {
        let published = try await ResourceRow.query(on: db).filter(\.$status == "published").filter(\.$classified == false).all()
        let stores = try await RecordStoreRow.query(on: db).all()
        let rows = Dictionary(stores.map { ($0.resourceCode, $0.rowCount) }, uniquingKeysWith: { a, _ in a })
        let registers = ["企业登记信息表", "户籍人口信息"]
        return DemoRecordPlan.targets(published.map { ($0.code, $0.name, $0.departmentCode) }, volume: .full)
            .filter { DemoRecordPlan.isFlagship($0.name) && (rows[$0.code] ?? 0) > 0 && (rows[$0.code] ?? 0) < $0.rows * 9 / 10 }
            .sorted { (registers.firstIndex(of: $0.name) ?? registers.count, $0.code) < (registers.firstIndex(of: $1.name) ?? registers.count, $1.code) }
    }

    /// Starts filling in the background; says what it will do, and each store as it is filled.
    static func start(_ app: Application) async throws {
        let targets = try await pending(on: app.db)
        guard !targets.isEmpty else { return }
        let total = targets.reduce(0) { $0 + $1.rows }
        say(
            "Filling \(targets.count) flagship stores to \(total.formatted()) records in the background "
                + "(about \(max(1, total / 2_500 / 60)) minutes in a debug build, a fifth of that in a release one); the pages show them as they arrive.")
        let task = Task {
            let start = ContinuousClock.now
            var written = 0
            for target in targets {
                if Task.isCancelled { return }
                // A store's load is one transaction, so a failed one (e.g. no free connection on a busy
                // machine) left nothing behind and is simply tried again, after a pause.
                for attempt in 1...Self.attempts {
                    do {
                        written += try await DemoRecords.load(volume: .full, on: app.db) { $0.code == target.code }
                        say("  filled \(target.name) (\(target.code)): \(target.rows.formatted()) records")
                        break
                    } catch {
                        if Task.isCancelled { return }
                        let retrying = attempt < Self.attempts
                        app.logger.warning("demo: filling \(target.code) failed\(retrying ? " (trying again)" : ""): \(error)")
                        if retrying { try? await Task.sleep(for: .seconds(5 * attempt * attempt)) }
                    }
                }
            }
            say("The flagship stores are full: \(written.formatted()) records in \(ContinuousClock.now - start).")
        }
        app.lifecycle.use(DemoBusFeed.Stopper(task: task))
    }

    /// Tries per store before the fill leaves it (the next start goes on with it).
    static let attempts = 3

    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
