import Fluent
import Vapor

/// `databank connectors list`, `connectors run CODE`, `connectors history CODE`: the connectors,
/// one run now (in this process, under the same lease the servers' schedulers take), and a
/// connector's runs. A failed run prints its history line and exits with status 1. Times are the
/// city's (Asia/Shanghai, `+08:00` written out), as the pages show them.
struct ConnectorsCommand: AsyncCommandGroup {
    var help: String { "Connectors: `databank connectors list`, `connectors run CODE`, `connectors history CODE`." }
    var commands: [String: any AnyAsyncCommand] { ["list": ListConnectors(), "run": RunConnector(), "history": ConnectorHistory()] }
    var defaultCommand: (any AnyAsyncCommand)? { ListConnectors() }

    static func find(_ code: String, on db: any Database) async throws -> ConnectorRow {
        guard let row = try await ConnectorRow.query(on: db).filter(\.$code == code).first() else {
            throw CLIError("no connector \(code) (see `databank connectors list`)", zh: "没有连接器 \(code)（见 `databank connectors list`）")
        }
        return row
    }

    static func line(_ r: ConnectorRunRow) -> String {
        let seconds = r.seconds.map { String(format: "%.1f", $0) } ?? ""
        return [
            DisplayTime.stamp(r.startedAt), r.trigger, r.status, "\(r.rowsRead)", "\(r.inserted)", "\(r.updated)", "\(r.refused)", seconds,
            r.watermarkBefore ?? "", r.watermarkAfter ?? "", (r.error ?? "").replacingOccurrences(of: "\n", with: " ")
        ].joined(separator: "\t")
    }
    static let header = "started\ttrigger\tstatus\tread\tinserted\tupdated\trefused\tseconds\twatermark_before\twatermark_after\terror"
}

struct ListConnectors: AsyncCommand {
    struct Signature: CommandSignature { init() {} }
    var help: String { "Lists connectors: code, resource, source, schedule, mode, status, next run, last error (tab-separated)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let rows = try await ConnectorRow.query(on: context.application.db).sort(\.$code).all()
        context.console.print("code\tresource\tsource\tschedule\tmode\tstatus\tnext_run\tlast_error")
        for r in rows {
            context.console.print(
                [r.code, r.resourceCode, r.sourceKind, r.schedule, r.mode, r.status, DisplayTime.stamp(r.nextRunAt), r.lastError ?? ""]
                    .joined(separator: "\t"))
        }
    }
}

struct RunConnector: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "code", help: "Connector code")
        var code: String
        init() {}
    }
    var help: String { "Runs a connector now and prints its history line; exit status 1 when the run fails." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let row = try await ConnectorsCommand.find(signature.code, on: app.db)
        guard let token = try await ConnectorRunner.lease(try row.requireID(), now: app.settings.now(), on: app.db) else {
            throw CLIError("connector \(row.code) is running now; try again when it has finished", zh: "连接器 \(row.code) 正在运行，请稍后再试")
        }
        let run = try await ConnectorRunner.run(try row.requireID(), token: token, trigger: "manual", app: app)
        context.console.print(ConnectorsCommand.header)
        context.console.print(ConnectorsCommand.line(run))
        if run.status != "succeeded" {
            throw CLIError("connector \(row.code) failed: \(run.error ?? "")", zh: "连接器 \(row.code) 运行失败：\(run.error ?? "")")
        }
    }
}

struct ConnectorHistory: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "code", help: "Connector code")
        var code: String
        @Option(name: "limit", help: "How many runs, newest first (default 20)")
        var limit: Int?
        init() {}
    }
    var help: String { "A connector's runs, newest first (tab-separated)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let db = context.application.db
        let row = try await ConnectorsCommand.find(signature.code, on: db)
        let runs = try await ConnectorRunRow.query(on: db).filter(\.$connectorID == row.requireID()).sort(\.$startedAt, .descending)
            .limit(max(1, signature.limit ?? 20)).all()
        context.console.print(ConnectorsCommand.header)
        for r in runs { context.console.print(ConnectorsCommand.line(r)) }
    }
}
