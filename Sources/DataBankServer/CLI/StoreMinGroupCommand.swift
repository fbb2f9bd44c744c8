import Fluent
import Vapor
import DataBankCore

/// `databank stores min-group CODE [--set N|default]`: shows or sets k, the smallest group an aggregate
/// shows to readers under a grant or on the open portal (the API's `PUT …/aggregate/settings`).
struct StoreMinGroup: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "resource", help: "Resource code")
        var resource: String
        @Option(name: "set", help: "k (2–1000), or `default` (5); leave out to show it")
        var size: String?
        init() {}
    }
    var help: String { "Shows or sets k, the smallest group shown in aggregates to grants and the open portal (default 5)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let db = context.application.db
        let code = signature.resource
        _ = try await RecordStores.find(code, on: db)
        if let text = signature.size {
            let k: Int?
            if text == "default" {
                k = nil
            } else if let n = Int(text), AggregateSettings.allowed.contains(n) {
                k = n
            } else {
                throw CLIError(
                    "size is \(AggregateSettings.allowed.lowerBound) to \(AggregateSettings.allowed.upperBound), or default",
                    zh: "最小分组记录数为 \(AggregateSettings.allowed.lowerBound)–\(AggregateSettings.allowed.upperBound) 或 default")
            }
            try await AggregateSettings.set(code, to: k, on: db.sql)
        }
        context.console.print("\(code)\tmin-group \(try await AggregateSettings.minGroupSize(code, on: db.sql))")
    }
}
