import Vapor

/// `databank audit verify`: walks the audit log's keyed hash chain and its checkpoints and names
/// the first entry that was altered, deleted, reordered or cut off. One line either way; exit 1
/// when the chain is broken.
struct AuditCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "verify")
        var action: String
        init() {}
    }

    var help: String { "Checks the audit log: `databank audit verify`." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "verify" else {
            throw CLIError("Unknown action \(signature.action); use: databank audit verify", zh: "未知操作 \(signature.action)；请用 databank audit verify")
        }
        let app = context.application
        // Reported here, not thrown: a thrown error is logged once more by Vapor.
        do {
            let result = try await AuditLog.verify(on: app.db, trail: app.auditTrail)
            if let broken = result.broken {
                // A problem with the checkpoint file itself names no entry.
                let line =
                    broken.seq > 0
                    ? "Audit chain BROKEN at entry \(broken.seq): \(broken.reason) (\(result.checked) entries verified before it)"
                    : "Audit chain BROKEN: \(broken.reason)"
                context.console.error(line)
                app.exitStatus = 1
                return
            }
            context.console.print(Self.summary(result, checkpointFile: app.auditTrail.checkpointFile))
        } catch {
            context.console.error("error: " + "\(error)".split(whereSeparator: \.isNewline).joined(separator: " "))
            app.exitStatus = 1
        }
    }

    static func summary(_ r: AuditLog.Verification, checkpointFile: String?) -> String {
        let legacy = r.legacy > 0 ? " (\(r.legacy) of them on the legacy unkeyed chain, written before the audit key existed)" : ""
        let anchors =
            checkpointFile == nil
            ? "no checkpoint file configured"
            : r.checkpoints == 0 ? "no checkpoints yet in \(checkpointFile!)" : "\(r.checkpoints) checkpoints match"
        return "Audit chain intact: \(r.checked) entries verified\(legacy); \(anchors)."
    }
}

extension Application {
    private struct ExitStatusKey: StorageKey { typealias Value = Int32 }
    /// What the process exits with once the command has run and the app shut down.
    var exitStatus: Int32 {
        get { storage[ExitStatusKey.self] ?? 0 }
        set { storage[ExitStatusKey.self] = newValue }
    }
}
