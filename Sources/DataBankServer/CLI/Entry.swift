import Fluent
import Vapor

/// The `databank` executable: picks the database, configures the app and runs the command.
///
/// `--database-url URL` (or `DATABASE_URL`) chooses the database for every command;
/// `demo` defaults to `./data/demo.sqlite`, everything else to `./data/databank.sqlite`.
/// `--secure-cookies` and `--trusted-proxies LIST` are for running behind a TLS reverse proxy.
public enum DataBankCLI {
    public static func main(arguments: [String] = CommandLine.arguments) async throws {
        var args = arguments
        var urlFlag: String?
        if let i = args.firstIndex(where: { $0 == "--database-url" }), i + 1 < args.count {
            urlFlag = args[i + 1]
            args.removeSubrange(i...(i + 1))
        } else if let i = args.firstIndex(where: { $0.hasPrefix("--database-url=") }) {
            urlFlag = String(args[i].dropFirst("--database-url=".count))
            args.remove(at: i)
        }
        // Behind a TLS reverse proxy: `--secure-cookies`, `--trusted-proxies 10.0.0.5,10.0.0.6` (or the
        // DATABANK_SECURE_COOKIES=1 and DATABANK_TRUSTED_PROXIES variables).
        let secureCookiesFlag = args.contains("--secure-cookies")
        args.removeAll { $0 == "--secure-cookies" }
        var proxiesFlag: String?
        if let i = args.firstIndex(where: { $0 == "--trusted-proxies" }), i + 1 < args.count {
            proxiesFlag = args[i + 1]
            args.removeSubrange(i...(i + 1))
        } else if let i = args.firstIndex(where: { $0.hasPrefix("--trusted-proxies=") }) {
            proxiesFlag = String(args[i].dropFirst("--trusted-proxies=".count))
            args.remove(at: i)
        }
        let command = args.dropFirst().first(where: { !$0.hasPrefix("-") })
        let location: DatabaseLocation
        do {
            if let url = urlFlag ?? Environment.get("DATABASE_URL") { location = try DatabaseLocation(url: url) }
            else {
                switch command {
                case "demo": location = .defaultDemo
                case "bench": location = .sqliteFile("data/bench.sqlite")  // never the real database: bench empties it
                default: location = .defaultServe
                }
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(2)
        }

        // Commands whose output is data keep informational logs off stdout.
        if let command, ["sample", "stores", "audit"].contains(command), !args.contains(where: { $0.hasPrefix("--log") }) {
            args += ["--log", "warning"]
        }
        var env = try Environment.detect(arguments: args)
        try LoggingSystem.bootstrap(from: &env)
        let app = try await Application.make(env)
        do {
            var settings = Settings(database: location)
            if command == "load" {
                settings.sqliteCacheMiB = 32; settings.sqliteMmapMiB = 0  // 96 MiB measured no faster, and 212 MB peak
                // Fewer, larger checkpoints: a page rewritten by several batches is copied back once.
                settings.sqliteWalAutocheckpoint = 16_384
            }
            settings.runWorkers = command == nil || command == "serve" || command == "demo"
            if secureCookiesFlag { settings.secureCookies = true }
            if let proxiesFlag { settings.trustedProxies = Settings.list(proxiesFlag) }
            if command == "audit" {
                // Verifying needs the real key, and must not anchor the log it is checking.
                settings.createAuditKey = false
                settings.writeAuditCheckpoints = false
            }
            try await configure(app, settings: settings)
            app.asyncCommands.use(DemoCommand(), as: "demo")
            app.asyncCommands.use(UserCommand(), as: "user")
            app.asyncCommands.use(BenchCommand(), as: "bench")
            app.asyncCommands.use(LoadCommand(), as: "load")
            app.asyncCommands.use(AuditCommand(), as: "audit")
            app.asyncCommands.use(SampleCommand(), as: "sample")
            app.asyncCommands.use(StoreCommand(), as: "stores")
            app.asyncCommands.use(QualityCommand(), as: "quality")
            app.logger.info("database: \(location.redacted)")
            if command == nil || command == "serve", Environment.get("DATABANK_AUTO_MIGRATE") != "0" {
                try await app.autoMigrate()
                try await Statistics.optimize(on: app.db)
            }
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            // One line, no backtrace: an error thrown out of `main` would crash with one.
            let line = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
            FileHandle.standardError.write(Data("error: \(line)\n".utf8))
            exit(1)
        }
        let status = app.exitStatus
        try await app.asyncShutdown()
        if status != 0 { exit(status) }
    }
}
