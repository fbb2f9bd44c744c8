@testable import DataBankServer
import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit
import Testing
import Vapor

/// sqlite-kit keeps a "memory" database in a temporary file; the application removes it on shutdown.
@Suite("SQLite memory file")
struct SQLiteMemoryFileTests {
    @Test func theMemoryDatabasesFileIsRemovedAtShutdown() async throws {
        let app = try await Application.make(.testing)
        let memory = SQLiteMemoryFile(identifier: UUID().uuidString)
        app.databases.use(.sqlite(.init(storage: .memory(identifier: memory.identifier))), as: .sqlite)
        app.lifecycle.use(memory)
        try await app.db.sql.raw("CREATE TABLE t (x INTEGER)").run()
        #expect(FileManager.default.fileExists(atPath: memory.paths[0]), "sqlite-kit names its file as SQLiteMemoryFile expects")
        try await app.asyncShutdown()
        #expect(memory.paths.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
    }
}
