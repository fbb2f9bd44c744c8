import Fluent
import FluentPostgresDriver
import Vapor
import DataBankCore

/// The `databank` executable: picks the database, configures the app and runs the command.
///
/// `--database-url URL` (or `DATABASE_URL`) chooses the database for every command;
/// `demo` defaults to `./data/demo.sqlite`, everything else to `./data/databank.sqlite`.
/// `--secure-cookies` and `--trusted-proxies LIST` are for running behind a TLS reverse proxy.
public enum DataBankCLI {
    public static func main(arguments: [String] = CommandLine.arguments) async throws {
        var args = arguments
        let urlFlag = takeOption("--database-url", from: &args)
        // Behind a TLS reverse proxy: `--secure-cookies`, `--trusted-proxies 10.0.0.5,10.0.0.6` (or the
        // DATABANK_SECURE_COOKIES=1 and DATABANK_TRUSTED_PROXIES variables).
        let secureCookiesFlag = args.contains("--secure-cookies")
        args.removeAll { $0 == "--secure-cookies" }
        let proxiesFlag = takeOption("--trusted-proxies", from: &args)
        let command = args.dropFirst().first(where: { !$0.hasPrefix("-") })
        let wantsHelp = args.contains("--help") || args.contains("-h")
        var location: DatabaseLocation
        do {
            if wantsHelp {
                location = .sqliteMemory
            }  // help creates no database, key or file
            else if let url = urlFlag ?? Environment.get("DATABASE_URL") {
                location = try DatabaseLocation(url: url)
            } else {
                location = defaultLocation(command)
            }
        } catch {
            fail("\(error)", status: 2)
        }
        // Options that would fail only after the database was made and migrated are checked first.
        if !wantsHelp, let problem = optionProblem(command, args) { fail(problem, status: 2) }
        // Commands that work on an existing database refuse to create one by accident.
        if let command, dataCommands.contains(command), case .sqliteFile(let path) = location, !FileManager.default.fileExists(atPath: path) {
            // Validating a file against a Table Schema needs no database: only a schema's references
            // to published stores would, and without a database there are none to refer to.
            if command == "quality", args.contains("validate"), args.contains(where: { $0 == "--schema" || $0.hasPrefix("--schema=") }) {
                location = .sqliteMemory
            } else {
                fail(
                    chinese
                        ? "\(path) 处没有 DataBank 数据库：请先运行 `databank demo` 或 `databank serve`，或用 --database-url 指定"
                        : "no DataBank database at \(path): start `databank demo` or `databank serve` first, or name one with --database-url", status: 1)
            }
        }

        // Logs go to standard error, so a command's output (a token, a CSV, a report) is only its data;
        // commands other than the server log errors only unless --log says otherwise.
        // `--help` prints the usage only.
        if wantsHelp || command.map({ !["serve", "demo", "bench"].contains($0) }) ?? false, !args.contains(where: { $0.hasPrefix("--log") }) {
            args += ["--log", "error"]
        }
        var env: Environment
        do { env = try Environment.detect(arguments: args) } catch { fail("\(error)", status: 2) }
        try LoggingSystem.bootstrap(from: &env) { level in
            { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
        let app = try await Application.make(env)
        do {
            var settings = Settings(database: location)
            if command == "load" {
                settings.sqliteCacheMiB = 32; settings.sqliteMmapMiB = 0  // 96 MiB measured no faster, and 212 MB peak
            }
            settings.runWorkers = command == nil || command == "serve" || command == "demo"
            settings.holdWorkers = command == "demo"
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
            app.asyncCommands.use(ConnectorsCommand(), as: "connectors")
            app.asyncCommands.use(NodeCommand(), as: "node")
            app.logger.info("database: \(location.redacted)")
            if command == nil || command == "serve", Environment.get("DATABANK_AUTO_MIGRATE") != "0" {
                try await app.autoMigrate()
                try await Statistics.optimize(on: app.db)
            }
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            // One line, no backtrace: an error thrown out of `main` would crash with one.
            fail(describe(error, location: location), status: error is CommandError ? 2 : 1)
        }
        let status = app.exitStatus
        try await app.asyncShutdown()
        if status != 0 { exit(status) }
    }

    /// Removes `--name VALUE` or `--name=VALUE` from the arguments (options every command takes) and returns VALUE.
    static func takeOption(_ name: String, from args: inout [String]) -> String? {
        if let i = args.firstIndex(of: name), i + 1 < args.count {
            defer { args.removeSubrange(i...(i + 1)) }
            return args[i + 1]
        }
        if let i = args.firstIndex(where: { $0.hasPrefix(name + "=") }) {
            defer { args.remove(at: i) }
            return String(args[i].dropFirst(name.count + 1))
        }
        return nil
    }

    /// A usage error in the server's options (`--port`, `demo --scale`), found before anything is created.
    static func optionProblem(_ command: String?, _ args: [String]) -> String? {
        var rest = args
        let port = takeOption("--port", from: &rest) ?? takeOption("-p", from: &rest)
        if let port, !(Int(port).map { (1...65_535).contains($0) } ?? false) {
            return chinese ? "--port 须为 1–65535 之间的整数，而不是 \(port)" : "--port must be a whole number from 1 to 65535, not \(port)"
        }
        // Fluent's `migrate` asks to confirm on the terminal and crashes when standard input has none.
        if command == "migrate", !args.contains(where: { ["-y", "--auto-migrate"].contains($0) }), isatty(STDIN_FILENO) == 0 {
            return chinese
                ? "migrate 需要在终端中确认；没有终端时（脚本、管道）请加 --auto-migrate（或 -y）"
                : "migrate asks for confirmation on a terminal; without one (a script, a pipe) add --auto-migrate (or -y)"
        }
        if command == "demo", let scale = takeOption("--scale", from: &rest), DemoScale(rawValue: scale) == nil {
            let known = DemoScale.allCases.map(\.rawValue).joined(separator: ", ")
            return chinese ? "--scale 只能是 \(known)，而不是 \(scale)" : "--scale must be one of: \(known), not \(scale)"
        }
        return nil
    }

    /// Commands that read or change an existing database (not `serve`, `demo`, `migrate` or `bench`).
    static let dataCommands: Set<String> = ["user", "load", "sample", "stores", "quality", "audit", "connectors", "node"]

    /// Where a command works without `--database-url`: the demo its own file, the bench a scratch one;
    /// the data commands the server's database, or the demo's when only the demo has been run.
    static func defaultLocation(_ command: String?) -> DatabaseLocation {
        switch command {
        case "demo": return .defaultDemo
        case "bench": return .sqliteFile("data/bench.sqlite")  // never the real database: bench empties it
        case let c? where dataCommands.contains(c):
            guard case .sqliteFile(let serve) = DatabaseLocation.defaultServe, case .sqliteFile(let demo) = DatabaseLocation.defaultDemo,
                !FileManager.default.fileExists(atPath: serve), FileManager.default.fileExists(atPath: demo)
            else { return .defaultServe }
            FileHandle.standardError.write(Data("note: using the demo's database \(demo) (no \(serve) yet)\n".utf8))
            return .defaultDemo
        default: return .defaultServe
        }
    }

    /// Whether the user reads Chinese: `DATABANK_LANG`, else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`).
    static var chinese: Bool {
        let env = ProcessInfo.processInfo.environment
        let lang = env["DATABANK_LANG"] ?? [env["LC_ALL"], env["LC_MESSAGES"], env["LANG"]].compactMap { $0 }.first { !$0.isEmpty } ?? ""
        return lang.lowercased().hasPrefix("zh")
    }

    /// The error as one line a person can act on, in Chinese where the user reads it and the error has it.
    static func describe(_ error: any Error, location: DatabaseLocation, chinese: Bool = chinese) -> String {
        let text: String
        switch error {
        case let e as AppError where chinese && !e.details.isEmpty: text = e.details.map { "\($0.field)：\($0.message)" }.joined(separator: "；")
        case let e as AppError: text = e.message + e.details.map { " — \($0.field): \($0.messageEn)" }.joined()
        case let e as CLIError where chinese && e.zh != nil: text = e.zh ?? e.description
        case let e as CommandError: text = e.description + (chinese ? "（见 --help）" : " (see --help)")
        // PostgresNIO's own description hides the server's message ("Generic description …").
        case let e as PSQLError: text = "PostgreSQL: " + (e.serverInfo?[.message] ?? "\(e.code)")
        default: text = "\(error)"
        }
        // A database that was never set up fails on its first query with "no such table" / "does not exist".
        if text.contains("no such table") || (text.contains("relation") && text.contains("does not exist")) {
            return chinese
                ? "数据库 \(location.redacted) 尚未初始化：请先运行 `databank migrate`（或 `databank demo` / `databank serve`）"
                : "the database \(location.redacted) is not set up: run `databank migrate` (or `databank demo` / `databank serve`) first"
        }
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    static func fail(_ message: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        exit(status)
    }
}
