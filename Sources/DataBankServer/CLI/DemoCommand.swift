import Fluent
import Vapor
import DataBankCore

/// `databank demo`: a demo city in `./data/demo.sqlite`, then the server.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "scale", help: "small (a dozen departments) or seed (57 departments, 512 resources, 6,361 items; default)")
        var scale: String?
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
        if signature.fresh { try await Self.wipe(app) }
        try await app.autoMigrate()
        let city = DemoCity.generate(scale: scale)
        if try await Department.query(on: app.db).count() == 0 {
            let start = ContinuousClock.now
            let s = try await DemoLoader.load(city, on: app.db)
            let records = try await DemoRecords.load(on: app.db)
            try await DemoSharing.load(on: app.db)
            try await DemoObjections.load(on: app.db)
            try await DemoQuality.load(on: app.db)
            context.console.print("Generated the demo city (\(scale.rawValue)): \(s.departments) departments, \(s.standards) standards, \(s.resources) resources, \(s.items) information items, \(records) records in \(ContinuousClock.now - start).")
        } else {
            context.console.print("Using the existing demo city in \(app.settings.database.redacted) (--fresh to recreate it).")
        }
        let host = signature.hostname ?? "127.0.0.1", port = signature.port ?? 8080
        context.console.print("")
        context.console.print("DataBank demo: http://\(host):\(port)/   (API: http://\(host):\(port)/api/v1/resources)")
        context.console.print("Demo accounts (password: \(city.users.first?.password ?? "")):")
        for u in city.users {
            context.console.print("  \(u.username.padding(toLength: 14, withPad: " ", startingAt: 0)) \((Role(rawValue: u.role) ?? .viewer).en.padding(toLength: 18, withPad: " ", startingAt: 0)) \(u.displayName) (\(u.departmentCode))")
        }
        context.console.print("API token for scripts: swift run databank user token admin")
        guard !signature.noServe else { return }
        app.http.server.configuration.hostname = host
        app.http.server.configuration.port = port
        var serve = context
        serve.input = CommandInput(arguments: ["databank"])
        try await app.servers.asyncCommand.run(using: &serve)
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

