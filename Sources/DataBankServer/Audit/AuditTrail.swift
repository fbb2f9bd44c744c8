import Vapor

/// The audit chain's secrets and anchors for one application: its key, where its checkpoints are
/// read from, and the writer that adds them (none for `audit verify`, which must not anchor what
/// it is checking).
final class AuditTrail: Sendable {
    let key: AuditKey
    let checkpointFile: String?
    let writer: AuditCheckpointWriter?
    /// Where this process's requests queue their entries (one writer, one transaction per batch).
    let groupCommit = AuditGroupCommit()

    init(key: AuditKey, checkpointFile: String?, writer: AuditCheckpointWriter?) {
        self.key = key; self.checkpointFile = checkpointFile; self.writer = writer
    }

    /// Loads (or creates) the key and opens the checkpoint file as the settings say.
    static func make(_ settings: Settings) throws -> AuditTrail {
        let key = try settings.auditKeyFile.map { try AuditKey.load(path: $0, create: settings.createAuditKey) } ?? .inMemory
        var writer: AuditCheckpointWriter?
        if let path = settings.auditCheckpointFile, settings.writeAuditCheckpoints {
            writer = try AuditCheckpointWriter(path: path, every: settings.auditCheckpointEvery, interval: settings.auditCheckpointInterval, key: key)
        }
        return AuditTrail(key: key, checkpointFile: settings.auditCheckpointFile, writer: writer)
    }

    /// Checkpoints the head every interval while the server runs, and once more at shutdown.
    struct Lifecycle: LifecycleHandler {
        final class Timer: @unchecked Sendable {
            private let lock = NSLock()
            private var stored: Task<Void, Never>?
            var task: Task<Void, Never>? {
                get { lock.withLock { stored } }
                set { lock.withLock { stored = newValue } }
            }
        }
        let timer = Timer()

        func didBootAsync(_ app: Application) async throws {
            guard app.settings.runWorkers, let writer = app.auditTrail.writer else { return }
            timer.task = Task { [app] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(writer.interval))
                    if Task.isCancelled { break }
                    await writer.checkpointHead(on: app.db, logger: app.logger)
                }
            }
        }

        func shutdownAsync(_ app: Application) async {
            timer.task?.cancel()
            guard let writer = app.auditTrail.writer else { return }
            await writer.checkpointHead(on: app.db, logger: app.logger, onlyIfAppended: !app.settings.runWorkers)
        }
    }
}

struct AuditTrailKey: StorageKey { typealias Value = AuditTrail }

extension Application {
    /// Set by `configure`; an in-memory key and no checkpoints before that.
    var auditTrail: AuditTrail {
        get { storage[AuditTrailKey.self] ?? AuditTrail(key: .inMemory, checkpointFile: nil, writer: nil) }
        set { storage[AuditTrailKey.self] = newValue }
    }
}
