import Foundation
import Vapor

/// sqlite-kit keeps a "memory" database in a temporary file (SQLiteNIO is built without SQLite's shared
/// cache, so its connections could not share a real in-memory database) and never removes it: every
/// test application left one behind (4,523 files, 12 GB in one day of test runs). The application
/// removes its own when it shuts down, after the connections have closed.
struct SQLiteMemoryFile: LifecycleHandler {
    /// The identifier given to `SQLiteConfiguration.Storage.memory(identifier:)`.
    let identifier: String

    /// Where sqlite-kit puts it: `sqlite-kit_memorydb-<process>-<identifier>.sqlite3` in the temporary
    /// directory (a UUID identifier needs none of its escaping), with SQLite's `-wal` / `-shm` beside it.
    var paths: [String] {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("sqlite-kit_memorydb-\(ProcessInfo.processInfo.processIdentifier)-\(identifier).sqlite3").path
        return [base, base + "-wal", base + "-shm", base + "-journal"]
    }

    func shutdownAsync(_ application: Application) async {
        // Databases close their connections in their own shutdown, which Vapor runs after the handlers;
        // an open file can be unlinked on Linux all the same (its space is freed when the last one closes).
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
    }
}
