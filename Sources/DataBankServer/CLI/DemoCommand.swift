import Fluent
import Vapor
import DataBankCore

/// `databank demo`: a demo city in `./data/demo.sqlite`, then the server.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "scale", help: "small (a dozen departments) or seed (57 departments, 512 resources, 6,361 items; default)")
        var scale: String?
        @Option(
            name: "records",
            help:
                "seed (thousands in the flagship stores, quick) or full (10,000–100,000 in the flagship stores before serving; minutes in a debug build). Default: seed, then the flagship stores fill to full in the background while the demo serves"
        )
        var records: String?
        @Flag(name: "fresh", help: "Delete the demo database and generate the city again")
        var fresh: Bool
        @Option(name: "hostname", short: "H", help: "Address to listen on (default 127.0.0.1)")
        var hostname: String?
        @Option(name: "port", short: "p", help: "Port to listen on (default 8080)")
        var port: Int?
        @Flag(name: "no-serve", help: "Create the demo city and exit")
        var noServe: Bool
        init() {}
    }

    var help: String {
        "Creates a demo city (kept between runs in ./data/demo.sqlite unless DATABASE_URL says otherwise) and serves portal and API."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let scale = DemoScale(rawValue: signature.scale ?? "seed") else {
            throw CLIError("--scale must be one of: \(DemoScale.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let volume = DemoRecordVolume(rawValue: signature.records ?? (scale == .small ? "small" : "seed")) else {
            throw CLIError("--records must be one of: \(DemoRecordVolume.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if signature.fresh { try await Self.wipe(app) }
        try await app.autoMigrate()
        let city = DemoCity.generate(scale: scale)
        if try await Department.query(on: app.db).count() == 0 {
            let start = ContinuousClock.now
            let s = try await DemoLoader.load(city, on: app.db)
            let catalogTime = ContinuousClock.now - start
            let records = try await Self.loadStories(volume: volume, on: app.db) { phase, took in
                context.console.print("  \(phase): \(took)")
            }
            try await DemoMyData.windowCheck(app)
            context.console.print("  catalog: \(catalogTime)")
            let stores = try await RecordStoreRow.query(on: app.db).filter(\.$rowCount > 0).count()
            context.console.print(
                "Generated the demo city (\(scale.rawValue), records \(volume.rawValue)): \(s.departments) departments, \(s.standards) standards, \(s.resources) resources, \(s.items) information items, \(records) records in \(stores) stores in \(ContinuousClock.now - start)."
            )
        } else {
            context.console.print("Using the existing demo city in \(app.settings.database.redacted) (--fresh to recreate it).")
        }
        let host = signature.hostname ?? "127.0.0.1", port = signature.port ?? 8080
        context.console.print("")
        context.console.print("DataBank demo: http://\(host):\(port)/   (API: http://\(host):\(port)/api/v1/resources)")
        context.console.print("Demo accounts (password: \(city.users.first?.password ?? "")):")
        for u in city.users {
            context.console.print(
                "  \(u.username.padding(toLength: 14, withPad: " ", startingAt: 0)) \((Role(rawValue: u.role) ?? .viewer).en.padding(toLength: 18, withPad: " ", startingAt: 0)) \(u.displayName) (\(u.departmentCode))"
            )
        }
        context.console.print("API token for scripts: swift run databank user token admin")
        // The HTTP API connector reads the demo's own simulated department API, on this server's port.
        let apiHost = ["0.0.0.0", "::", ""].contains(host) ? "127.0.0.1" : (host.contains(":") ? "[\(host)]" : host)
        let apiBase = signature.noServe ? nil : "http://\(apiHost):\(port)"
        for line in try await DemoConnectors.setUp(app, apiBase: apiBase) { context.console.print("Connector \(line)") }
        guard !signature.noServe else { return }
        app.workerGate.open()
        DemoBusFeed.start(app)
        DemoParkingFeed.start(app)
        DemoConnectors.start(app)
        try await DemoIdentityProvider.install(app)
        if signature.records == nil, scale == .seed { try await DemoFlagshipFill.start(app) }
        app.http.server.configuration.hostname = host
        app.http.server.configuration.port = port
        var serve = context
        serve.input = CommandInput(arguments: ["databank"])
        try await app.servers.asyncCommand.run(using: &serve)
    }

    /// Records, sharing, objections and quality runs, in the order their stories need; returns the records written.
    static func loadStories(
        volume: DemoRecordVolume, on db: any Database,
        timing: (String, Duration) -> Void = { _, _ in }
    ) async throws -> Int {
        var clock = ContinuousClock.now
        func lap(_ phase: String) { timing(phase, ContinuousClock.now - clock); clock = ContinuousClock.now }
        let records = try await DemoRecords.load(volume: volume, on: db)
        lap("records (\(volume.rawValue))")
        try await DemoSharing.load(on: db)
        try await DemoJointChecks.load(on: db)
        try await DemoWarnings.load(on: db, logger: Logger(label: "databank.demo"))
        try await DemoMyData.load(on: db)
        try await DemoObjections.load(on: db)
        try await DemoDemands.load(on: db)
        try await DemoLookups.load(on: db)
        try await DemoOpenUse.load(on: db)
        try await DemoDashboards.load(on: db)
        lap("sharing, objections and dashboards")
        try await DemoUsageHistory.load(on: db)
        lap("a year of use (heat)")
        try await DemoHistory.load(on: db)
        lap("a year of loads, applications and objections")
        try await DemoQuality.load(on: db)
        lap("quality checks")
        try await EvaluationDemo.load(on: db)
        lap("evaluation (last year frozen, this year open)")
        return records
    }

    /// Empties the demo database by reverting every migration (SQLite and PostgreSQL alike).
    static func wipe(_ app: Application) async throws {
        try await app.autoRevert()
    }
}

/// A command's failure, as one line: English, and Chinese where the command says it for users.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    var zh: String?
    init(_ d: String, zh: String? = nil) { description = d; self.zh = zh }
}
