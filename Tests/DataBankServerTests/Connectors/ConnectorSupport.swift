import DataBankCore
@testable import DataBankServer
import FluentSQLiteDriver
import Foundation
import NIOPosix
import Testing
import Vapor
import VaporTesting

/// A connector root of its own per test, with a department's SQLite database to read from: a table
/// `reg` whose columns are the enterprise store's items prefixed `src_`, plus `seq`, the watermark.
struct ConnectorFixture {
    var root: String
    var store: StoreFixture

    /// `root`: the provider department's folder under the connector root, which source paths are relative to.
    static func make(_ app: Application) async throws -> ConnectorFixture {
        let store = try await StoreFixture.enterprise(app)
        let department = try await RecordStores.find(store.code, on: app.db).departmentCode
        return ConnectorFixture(root: app.settings.connectorRoot! + "/" + department, store: store)
    }

    var sourceColumns: [String] { store.layout.columns.map { "src_" + $0.name } }
    var mapping: [ConnectorMapping.Pair] { store.layout.columns.map { .init(source: "src_" + $0.name, item: $0.name) } }

    /// Writes rows `rows` (seq = row + 1) into `file` under the root, creating the table the first time;
    /// `value` may override a cell.
    func writeSource(
        _ file: String = "dept.sqlite", rows: Range<Int>, variant: Int = 0, seq: ((Int) -> Int)? = nil,
        value: ((RecordLayout.Column, Int) -> String?)? = nil
    ) async throws {
        let path = root + "/" + file
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let conn = try await SQLiteConnection.open(storage: .file(path: path), threadPool: .singleton, on: MultiThreadedEventLoopGroup.singleton.any())
        let columns = (["seq INTEGER"] + sourceColumns.map { "\($0) TEXT" }).joined(separator: ", ")
        _ = try await conn.query("CREATE TABLE IF NOT EXISTS reg (\(columns))")
        let marks = Array(repeating: "?", count: sourceColumns.count + 1).joined(separator: ", ")
        for r in rows {
            var binds: [SQLiteData] = [.integer(seq?(r) ?? r + 1)]
            for c in store.layout.columns { binds.append(.text(value?(c, r) ?? store.value(c, row: r, variant: variant))) }
            _ = try await conn.query("INSERT INTO reg VALUES (\(marks))", binds)
        }
        try await conn.close()
    }

    func body(
        code: String = "scj-reg", kind: String = "sqlite", path: String? = "dept.sqlite", table: String? = "reg", query: String? = nil,
        mapping: [ConnectorMapping.Pair]? = nil, schedule: String = "every 5 minutes", mode: String = "incremental",
        watermarkColumn: String? = "seq", maxFailures: Int? = nil
    ) -> ConnectorBody {
        ConnectorBody(
            code: code, name: "企业登记同步", resource: store.code,
            source: .init(kind: kind, path: path, table: table, query: query),
            mapping: mapping ?? self.mapping, schedule: schedule, mode: mode, watermarkColumn: watermarkColumn, maxFailures: maxFailures)
    }
}

/// A run as `POST …/run` and the history answer it.
struct RunAnswer: Decodable {
    var status: String
    var trigger: String
    var rowsRead: Int
    var inserted: Int
    var updated: Int
    var refused: Int
    var watermarkBefore: String?
    var watermarkAfter: String?
    var error: String?
}

/// A fresh DataBank whose connector root is a new temporary folder (removed afterwards), and which
/// may reach PostgreSQL on this machine.
func withConnectorBank(adjust: (inout Settings) -> Void = { _ in }, _ body: (Application) async throws -> Void) async throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("databank-connectors-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: root) }
    try await withDataBank(adjust: { settings in
        settings.connectorRoot = root
        settings.connectorAllow = WebhookAllowList("127.0.0.1, ::1, localhost")
        adjust(&settings)
    }) { app in try await body(app) }
}
