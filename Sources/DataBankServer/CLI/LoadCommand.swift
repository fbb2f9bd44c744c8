import Fluent
import Vapor
import DataBankCore

/// `databank load <resource-code> <file>`: loads a file into a published resource's record
/// store through the same pipeline as the API, with a live progress line and a summary.
struct LoadCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "resource", help: "Resource code, e.g. 101001-00001")
        var resource: String
        @Argument(name: "file", help: "CSV, TSV, JSON (array), NDJSON or XLSX file")
        var file: String
        @Option(name: "mode", help: "append (new keys only), upsert (default) or replace (atomic)")
        var mode: String?
        @Option(name: "format", help: "csv|tsv|json|ndjson|xlsx (default: from the file name)")
        var format: String?
        @Option(name: "encoding", help: "auto (default), utf-8 or gb18030")
        var encoding: String?
        @Option(name: "sheet", help: "XLSX sheet name (default: the first sheet)")
        var sheet: String?
        @Option(name: "as", help: "Username the audit log records (default: the platform admin)")
        var user: String?
        @Flag(name: "no-profile", help: "Do not update the column profile after the load (a later load or `databank quality profile` will)")
        var noProfile: Bool
        @Option(
            name: "schema",
            help:
                "Check rows by this Table Schema's rules instead of the resource's; creates the store from the schema if there is none (a scratch store, e.g. to compare a load with `quality validate --schema`)"
        )
        var schema: String?
        @Flag(name: "json", help: "Print the summary as JSON")
        var json: Bool
        init() {}
    }

    var help: String { "Loads a file into a resource's record store (CSV/TSV/JSON/NDJSON/XLSX; UTF-8 or GB18030)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let mode = LoadMode(rawValue: signature.mode ?? "upsert") else {
            throw CLIError("--mode is append, upsert or replace", zh: "--mode 只能是 append、upsert 或 replace")
        }
        let ext = URL(fileURLWithPath: signature.file).pathExtension.lowercased()
        let formatName = signature.format ?? (ext == "txt" ? "tsv" : ext == "jsonl" ? "ndjson" : ext)
        let encoding: TextEncoding?
        switch signature.encoding?.lowercased() ?? "auto" {
        case "auto": encoding = nil
        case let e:
            guard let enc = TextEncoding(rawValue: e) else {
                throw CLIError("--encoding is auto, utf-8 or gb18030", zh: "--encoding 只能是 auto、utf-8 或 gb18030")
            }; encoding = enc
        }
        var store: RecordStoreRow
        var rules: QualitySetup?
        if let path = signature.schema {
            (store, rules) = try await Self.scratchStore(signature.resource, schema: path, on: app.db)
        } else {
            store = try await RecordStores.find(signature.resource, on: app.db)
        }
        let user = try await actor(signature.user, on: app.db)
        let size = (try? FileManager.default.attributesOfItem(atPath: signature.file)[.size] as? Int) ?? 0
        let bar = ProgressLine(console: context.console, totalBytes: size)
        let summary = try await FileLoad.run(
            path: signature.file, formatName: formatName, sheet: signature.sheet, store: store,
            mode: mode, encoding: encoding, who: .cli(user), on: app.db,
            progress: { rows, bytes in
                bar.update(rows: rows, bytes: bytes)
            }, today: app.today, rules: rules)
        bar.finish()
        try await AuditLog.append(
            .cli(user), resource: store.resourceCode, operation: "load.\(mode.rawValue)",
            fields: store.recordLayout.columns.map(\.name), count: summary.inserted + summary.updated,
            purpose: nil, requestID: nil, requestHash: nil, on: app.db, trail: app.auditTrail)
        let c = context.console
        if signature.json {
            // The summary alone; the profile is updated all the same.
            c.print(JSONText.encode(summary))
            if !signature.noProfile { _ = try await app.profileScheduler.run(store.resourceCode, kind: .incremental) }
            return
        }
        c.print("Loaded \(signature.file) into \(summary.resource) (\(summary.mode), \(summary.format), \(summary.encoding ?? "-"))")
        c.print(
            String(
                format: "  inserted %d · updated %d · rejected %d · %d rows in %.2f s (%.0f rows/s)", summary.inserted, summary.updated,
                summary.rejected, summary.rows, summary.seconds, Double(summary.rows) / max(summary.seconds, 0.001)))
        if let peak = Self.peakRSS() { c.print(String(format: "  peak RSS %.1f MB", peak)) }
        for p in summary.problems.prefix(10) {
            c.print("  row \(p.row)\(p.column.map { ", \($0)" } ?? ""): \(p.message)\(p.value.map { " [\($0.prefix(60))]" } ?? "")")
        }
        if summary.rejected > 0 { c.print("  all refused rows: GET /api/v1/resources/\(summary.resource)/quarantine?load=\(summary.loadID)") }
        if !signature.noProfile {
            // After the summary (and its peak RSS): the profile is not part of the load.
            let profiled = try await app.profileScheduler.run(store.resourceCode, kind: .incremental)
            c.print(String(format: "  profile updated (%@, %d rows read) in %.2f s", profiled.run.kind, profiled.run.rowsRead, profiled.seconds))
        }
    }

    /// The store `code` with a Table Schema's layout and rules: made from the schema if it does not exist.
    static func scratchStore(_ code: String, schema path: String, on db: any Database) async throws -> (RecordStoreRow, QualitySetup) {
        let schema = try ValidateFile.readSchema(path)
        let layout = schema.layout()
        if try await RecordStoreRow.query(on: db).filter(\.$resourceCode == code).first() == nil {
            guard !layout.keyColumns.isEmpty else { throw CLIError("\(path) has no primaryKey: a store needs a key") }
            try await RecordStores.create(code: code, department: "", revision: 0, layout: layout, on: db)
        }
        let store = try await RecordStores.find(code, on: db)
        guard store.recordLayout == layout else { throw CLIError("The store of \(code) has another layout than \(path)") }
        return (store, try await QualitySetup.make(layout: layout, policy: store.qualityPolicy, rules: schema.rules(), on: db))
    }

    /// The process's peak resident memory (VmHWM), in MB.
    static func peakRSS() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kb / 1024
    }

    func actor(_ name: String?, on db: any Database) async throws -> User? {
        if let name {
            guard let user = try await User.query(on: db).filter(\.$username == name).first() else { throw CLIError("No user \(name)", zh: "没有用户 \(name)") }
            return user
        }
        return try await User.query(on: db).filter(\.$roleName == Role.platformAdmin.rawValue).first()
    }
}

/// A progress line redrawn in place: rows, rows/s, elapsed, and ETA when the size is known.
final class ProgressLine: @unchecked Sendable {
    let console: any Console
    let totalBytes: Int
    let start = ContinuousClock.now
    private var lastDraw = ContinuousClock.now - .seconds(1)
    private let lock = NSLock()

    /// Redrawn only on a terminal: a log file or CI output gets the summary alone.
    let enabled = isatty(STDERR_FILENO) != 0

    init(console: any Console, totalBytes: Int) { self.console = console; self.totalBytes = totalBytes }

    func update(rows: Int, bytes: Int) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let now = ContinuousClock.now
        guard now - lastDraw > .milliseconds(200) else { return }
        lastDraw = now
        let elapsed = (now - start).seconds
        var line = String(format: "\r%@ rows · %@ rows/s · %.1f s", Self.grouped(rows), Self.grouped(Int(Double(rows) / max(elapsed, 0.001))), elapsed)
        if totalBytes > 0, bytes > 0 {
            let fraction = min(1, Double(bytes) / Double(totalBytes))
            let width = 24
            let filled = Int(fraction * Double(width))
            line += String(
                format: " [%@%@] %3.0f%% · ETA %.0f s", String(repeating: "█", count: filled), String(repeating: "·", count: width - filled),
                fraction * 100, elapsed / max(fraction, 0.0001) - elapsed)
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() { if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }

    static func grouped(_ n: Int) -> String {
        var out: [Character] = []
        for (i, ch) in String(n).reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return String(out.reversed())
    }
}
