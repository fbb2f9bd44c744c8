import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `databank quality check CODE`, `databank quality validate FILE --resource CODE` and
/// `databank quality profile CODE`: a full check of a store (kept as a run, with its scores),
/// what a load of a file would find, and the columns' profile.
struct QualityCommand: AsyncCommandGroup {
    var help: String {
        "Data quality: `databank quality check 101001-00001`, `quality validate file.csv (--resource 101001-00001 | --schema schema.json) [--json]`, "
            + "`quality profile 101001-00001 [--incremental]`."
    }
    var commands: [String: any AnyAsyncCommand] { ["check": CheckQuality(), "validate": ValidateFile(), "profile": ProfileCommand()] }
    var defaultCommand: (any AnyAsyncCommand)? { nil }
}

struct CheckQuality: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "resource", help: "Resource code")
        var resource: String
        init() {}
    }
    var help: String { "Checks every record of a store against its rules and prints the scores (the run is kept)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let db = context.application.db
        let store = try await RecordStores.find(signature.resource, on: db)
        let run = try await QualityCheck.run(store, actor: "cli", today: context.application.today, on: db)
        let c = context.console
        c.print(
            "\(store.resourceCode): \(run.rowCount) rows, \(run.findings) findings in \(String(format: "%.2f", run.finishedAt.timeIntervalSince(run.startedAt))) s"
        )
        guard let detail = run.detail else { return }
        for d in QualityScores.Dimension.allCases { c.print(String(format: "  %-14@ %5.1f", d.rawValue, detail.scores.score(d))) }
        c.print(String(format: "  %-14@ %5.1f%@", "overall", detail.scores.overall, detail.scores.late ? "  (late)" : ""))
        for r in detail.rules.prefix(20) { c.print("  \(r.count)\t\(r.errorType)\t\(r.name)\t\(r.examples.joined(separator: " "))") }
    }
}

struct ValidateFile: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "CSV or TSV file")
        var file: String
        @Option(name: "resource", help: "Check against this resource's rules")
        var resource: String?
        @Option(name: "schema", help: "Check against a Frictionless Table Schema (JSON file) instead")
        var schema: String?
        @Option(name: "encoding", help: "auto (default), utf-8 or gb18030")
        var encoding: String?
        @Flag(name: "json", help: "Print the report as JSON")
        var json: Bool
        init() {}
    }
    var help: String { "Validates a file against a resource's rules or a Table Schema without loading it (exit status 1 when it finds problems)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let db = context.application.db
        let layout: RecordLayout, setup: QualitySetup
        switch (signature.resource, signature.schema) {
        case (let code?, nil):
            let store = try await RecordStores.find(code, on: db)
            (layout, setup) = (store.recordLayout, try await QualitySetup.load(store, on: db))
        case (nil, let path?):
            let schema = try Self.readSchema(path)
            layout = schema.layout()
            setup = try await QualitySetup.make(layout: layout, policy: .quarantine, rules: schema.rules(), on: db)
        default:
            throw CLIError("Name the rules: --resource CODE or --schema FILE", zh: "请指定规则：--resource 资源代码 或 --schema 文件")
        }
        let encoding: TextEncoding? = signature.encoding.flatMap { $0 == "auto" ? nil : TextEncoding(rawValue: $0.lowercased()) }
        let report = try await Self.validate(
            signature.file, layout: layout, rules: setup.rules, encoding: encoding, today: context.application.today,
            references: setup, on: db.sql)
        Self.print(report, json: signature.json, console: context.console)
        if !report.valid {
            throw CLIError(
                "\(report.errorCount) findings in \(report.invalidRows) of \(report.rows) rows",
                zh: "\(report.rows) 行中有 \(report.invalidRows) 行发现 \(report.errorCount) 个问题")
        }
    }

    static func readSchema(_ path: String) throws -> TableSchema {
        guard let bytes = FileManager.default.contents(atPath: path) else { throw CLIError("Cannot read \(path)") }
        do { return try TableSchema.parse([UInt8](bytes)) } catch {
            throw CLIError(
                "\(path) is not a usable Table Schema: " + error.problems.map { "\($0.fieldError.field): \($0.fieldError.messageEn)" }.joined(separator: "; "))
        }
    }

    /// Streams the file in 1 MiB reads; references are looked up between reads.
    static func validate(
        _ path: String, layout: RecordLayout, rules: [QualityRule], encoding: TextEncoding?, today: CivilDate = GrantAccess.today(),
        references: QualitySetup?, on sql: (any SQLDatabase)?
    ) async throws -> ValidationReport {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CLIError("Cannot read \(path)", zh: "无法读取 \(path)") }
        defer { try? handle.close() }
        return try await FileValidation.run(
            layout: layout, rules: rules, delimiter: FileValidation.delimiter(fileName: path), encoding: encoding,
            today: today, references: references, on: sql
        ) {
            guard let data = try handle.read(upToCount: 1 << 20), !data.isEmpty else { return nil }
            return [UInt8](data)
        }
    }

    static func print(_ report: ValidationReport, json: Bool, console: any Console) {
        if json { console.print(JSONText.encode(report)); return }
        console.print("\(report.rows) rows, \(report.invalidRows) with findings, \(report.errorCount) findings")
        for (type, n) in report.errors.sorted(by: { $0.key < $1.key }) { console.print("  \(type)\t\(n)") }
        for line in report.lines.prefix(30) {
            console.print("  row \(line.row)\t\(line.errorType)\t\(line.column ?? "—")\t\(line.messageEn)")
        }
    }
}
