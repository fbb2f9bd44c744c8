import Vapor
import DataBankCore

/// `databank sample <resource-code> --rows N`: prints a valid CSV for the resource's record
/// store (deterministic; keys distinct), to try loads, benchmarks and the crash test.
struct SampleCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "resource", help: "Resource code")
        var resource: String
        @Option(name: "rows", help: "Number of rows (default 1000)")
        var rows: Int?
        @Option(name: "from", help: "First row number (default 0): rows from..<from+rows")
        var from: Int?
        init() {}
    }

    var help: String { "Prints a CSV of generated, valid records for a resource's store." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let store = try await RecordStores.find(signature.resource, on: context.application.db)
        let sample = SampleRecords(layout: store.recordLayout, rules: try await QualitySetup.load(store, on: context.application.db).rules)
        let out = FileHandle.standardOutput
        out.write(Data((sample.header + "\n").utf8))
        let start = signature.from ?? 0
        let end = start + (signature.rows ?? 1000)
        for chunk in stride(from: start, to: end, by: 10_000) {
            out.write(Data(sample.csv(chunk..<min(chunk + 10_000, end)).utf8))
        }
    }
}
