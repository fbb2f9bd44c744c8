import Fluent
import Vapor
import DataBankCore

/// `databank stores rollups CODE [--add 'group=…&measures=…&<filters>' | --remove ID | --rebuild ID]`:
/// lists a store's rollups, or registers (and builds), removes or rebuilds one (the API's `…/aggregate/rollups`).
struct StoreRollups: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "resource", help: "Resource code")
        var resource: String
        @Option(name: "add", help: "Register a rollup: 'group=region_code&measures=count,sum(amount)' plus any records-query filters")
        var add: String?
        @Option(name: "remove", help: "Remove the rollup with this id")
        var remove: String?
        @Option(name: "rebuild", help: "Rebuild the rollup with this id from the records")
        var rebuild: String?
        init() {}
    }
    var help: String { "Lists a store's rollups (aggregates kept up to date for charts), or adds, removes or rebuilds one." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let db = context.application.db
        let code = signature.resource
        guard [signature.add, signature.remove, signature.rebuild].compactMap({ $0 }).count <= 1 else {
            throw CLIError("give one of --add, --remove and --rebuild", zh: "--add、--remove、--rebuild 只能选一个")
        }
        // AppErrors (unknown resource or id, the parser's errors, a duplicate) print as one line with their field.
        let store = try await RecordStores.find(code, on: db)
        if let text = signature.add {
            let spec: AggregateRollupSpec
            switch AggregateRollupSpec.parse(query: text) {
            case .success(let s): spec = s
            case .failure(let e): throw CLIError("\(e.field): \(e.messageEn)", zh: "\(e.field)：\(e.message)")
            }
            let row = try await AggregateRollups.register(spec, store: store, by: "cli", on: db)
            context.console.print("added \(row.id): \(row.groups ?? 0) groups at seq \(row.coveredSeq)")
        } else if let id = signature.remove {
            try await AggregateRollups.remove(id, code: code, on: db)
            context.console.print("removed \(id)")
        } else if let id = signature.rebuild {
            let row = try await AggregateRollups.rebuild(id, code: code, on: db)
            context.console.print("rebuilt \(row.id): \(row.groups ?? 0) groups at seq \(row.coveredSeq)")
        } else {
            context.console.print("id\tstate\tcovered_seq\tgroups\tspec\terror")
            for r in try await AggregateRollups.list(code, on: db.sql) {
                context.console.print("\(r.id)\t\(r.state)\t\(r.coveredSeq)\t\(r.groups.map(String.init) ?? "")\t\(r.spec)\t\(r.error ?? "")")
            }
        }
    }
}
