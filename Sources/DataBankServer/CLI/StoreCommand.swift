import Fluent
import Vapor

/// `databank stores list` and `databank stores verify <code>`: the record stores, and a
/// consistency check of one (exit status 1 when it finds a problem).
struct StoreCommand: AsyncCommandGroup {
    var help: String {
        """
        Record stores: `databank stores list`, `stores verify 101001-00001`, `stores loads 101001-00001`, \
        `stores min-group 101001-00001 [--set N]`, \
        `stores rollups 101001-00001 [--add 'group=…&measures=…' | --remove ID | --rebuild ID]`.
        """
    }
    var commands: [String: any AnyAsyncCommand] {
        ["list": ListStores(), "verify": VerifyStore(), "loads": ListLoads(), "min-group": StoreMinGroup(), "rollups": StoreRollups()]
    }
    var defaultCommand: (any AnyAsyncCommand)? { ListStores() }
}

struct ListStores: AsyncCommand {
    struct Signature: CommandSignature { init() {} }
    var help: String { "Lists record stores: code, records, last change seq, resource name (tab-separated)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let db = context.application.db
        let stores = try await RecordStoreRow.query(on: db).sort(\.$resourceCode).all()
        let names = Dictionary(try await ResourceRow.query(on: db).all().map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        context.console.print("code\trecords\tlast_seq\tname")
        for s in stores { context.console.print("\(s.resourceCode)\t\(s.rowCount)\t\(s.lastSeq)\t\(names[s.resourceCode] ?? "")") }
    }
}

struct VerifyStore: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "resource", help: "Resource code")
        var resource: String
        init() {}
    }
    var help: String { "Checks a store: change log numbered without a gap, row count and log in step with the records." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let db = context.application.db
        let code = signature.resource
        let report = try await StoreCheck.run(try await RecordStores.find(code, on: db), on: db)
        context.console.print("\(code): \(report.records) records, \(report.changes) changes (seq \(report.firstSeq ?? 0)…\(report.lastSeq))")
        for p in report.problems { context.console.error("  problem: \(p)") }
        if !report.ok { throw CLIError("store \(code) is inconsistent", zh: "数据存储 \(code) 不一致") }
        context.console.print("  consistent: no gap in the change log; row count and log agree with the records")
    }
}

struct ListLoads: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "resource", help: "Resource code")
        var resource: String
        init() {}
    }
    var help: String { "Lists a store's loads, newest first: started, status, inserted, updated, rejected, source (tab-separated)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let db = context.application.db
        try await LoadRow.markInterrupted(resource: signature.resource, on: db)
        let loads = try await LoadRow.query(on: db).filter(\.$resourceCode == signature.resource).sort(\.$startedAt, .descending).all()
        context.console.print("started\tstatus\tinserted\tupdated\trejected\tsource")
        for l in loads {
            context.console.print("\(l.startedAt.iso8601Millis)\t\(l.status)\t\(l.inserted)\t\(l.updated)\t\(l.rejected)\t\(l.source ?? "")")
        }
    }
}
