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
        try await db.sql.raw(
            """
            INSERT INTO peer_departments (consumer_code, node_code, department_code, name, name_en, updated_at)
            VALUES (\(bind: code), \(bind: node), \(bind: department), \(bind: name), \(bind: nameEn), \(bind: now))
            ON CONFLICT (consumer_code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, updated_at = excluded.updated_at
            """
        ).run()
    }

    /// Every peer department's name as people read it: the node's name, then the department's
    /// (`禅城区 · 交通运输局`).
    static func names(on db: any Database, language: String) async throws -> [String: String] {
        try await pairs(on: db).mapValues { language == "en" ? $0.en : $0.zh }
    }

    /// One peer department's names in both languages; nil when `code` is not a peer department's.
    static func pair(_ code: String, on db: any Database) async throws -> (zh: String, en: String)? {
        guard let parsed = PeerConsumer.parse(code) else { return nil }
        return try await pairs(only: code, on: db)[code] ?? ("\(parsed.node) · \(parsed.department)", "\(parsed.node) · \(parsed.department)")
    }

    /// The peer departments' names (`only`: just that one) in both languages, the node's name first.
    private static func pairs(only code: String? = nil, on db: any Database) async throws -> [String: (zh: String, en: String)] {
        let filter: SQLQueryString = code.map { "WHERE d.consumer_code = \(bind: $0)" } ?? ""
        let rows = try await db.sql.raw(
            """
            SELECT d.consumer_code, d.name, d.name_en, d.node_code, n.name AS node_name, n.name_en AS node_name_en FROM peer_departments AS d
            LEFT JOIN federation_nodes AS n ON n.code = d.node_code \(filter)
            """
        ).all()
        var out: [String: (zh: String, en: String)] = [:]
        for row in rows {
            let name = try row.decode(column: "name", as: String.self)
            let nameEn = try row.decode(column: "name_en", as: String?.self)
            let node = try row.decode(column: "node_name", as: String?.self) ?? row.decode(column: "node_code", as: String.self)
            let nodeEn = try row.decode(column: "node_name_en", as: String?.self) ?? node
            out[try row.decode(column: "consumer_code", as: String.self)] = (node + " · " + name, nodeEn + " · " + (nameEn ?? name))
        }
        return out
    }
}
