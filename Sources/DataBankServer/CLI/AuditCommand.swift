import Vapor

/// `databank audit verify`: walks the audit log's hash chain and names the first entry that
/// was altered, deleted or reordered. Exits non-zero when the chain is broken.
struct AuditCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "verify")
        var action: String
        init() {}
    }

    var help: String { "Checks the audit log: `databank audit verify`." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "verify" else { throw CLIError("Unknown action \(signature.action); use: databank audit verify") }
        let (checked, broken) = try await AuditLog.verify(on: context.application.db)
        if let broken {
            context.console.error("Audit chain BROKEN at entry \(broken.seq): \(broken.reason) (\(checked) entries verified before it)")
            throw CLIError("audit chain broken at entry \(broken.seq)")
        }
        context.console.print("Audit chain intact: \(checked) entries verified.")
    }
}
