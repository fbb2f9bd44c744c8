import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The departments of peer nodes that applied here, by their consumer code (`node:<peer>/<code>`):
/// their names as their node last sent them, read wherever a page or a notification names a consumer.
enum PeerDepartments {
    /// Records (or renames) a peer department.
    static func remember(node: String, department: String, name: String, nameEn: String?, now: Date, on db: any Database) async throws {
        let code = PeerConsumer.code(node: node, department: department)
        try await db.sql.raw("DELETE FROM peer_departments WHERE consumer_code = \(bind: code)").run()
        try await db.sql.raw(
            """
            INSERT INTO peer_departments (consumer_code, node_code, department_code, name, name_en, updated_at)
            VALUES (\(bind: code), \(bind: node), \(bind: department), \(bind: name), \(bind: nameEn), \(bind: now))
            """
        ).run()
    }

    /// Every peer department's name as people read it: the node's name, then the department's
    /// (`禅城区 · 交通运输局`).
    static func names(on db: any Database, language: String) async throws -> [String: String] {
        let rows = try await db.sql.raw(
            """
            SELECT d.consumer_code, d.name, d.name_en, d.node_code, n.name AS node_name FROM peer_departments AS d
            LEFT JOIN federation_nodes AS n ON n.code = d.node_code
            """
        ).all()
        var out: [String: String] = [:]
        for row in rows {
            let code = try row.decode(column: "consumer_code", as: String.self)
            let name = try row.decode(column: "name", as: String.self)
            let nameEn = try row.decode(column: "name_en", as: String?.self)
            let node = try row.decode(column: "node_name", as: String?.self) ?? row.decode(column: "node_code", as: String.self)
            out[code] = node + " · " + (language == "en" ? nameEn ?? name : name)
        }
        return out
    }

    /// One peer department's names in both languages; nil when `code` is not a peer department's.
    static func pair(_ code: String, on db: any Database) async throws -> (zh: String, en: String)? {
        guard let parsed = PeerConsumer.parse(code) else { return nil }
        let zh = try await names(on: db, language: "zh")[code] ?? "\(parsed.node) · \(parsed.department)"
        let en = try await names(on: db, language: "en")[code] ?? "\(parsed.node) · \(parsed.department)"
        return (zh, en)
    }
}
