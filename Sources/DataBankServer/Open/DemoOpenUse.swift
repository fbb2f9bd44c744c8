import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The demo city's use of its open data, so the portal's figures and "most used" list show a
/// city that has been open for a while: downloads, previews and data calls per dataset, more for
/// what people use most (real-time transport, enterprises and credit, weather), seeded from each
/// code so every demo has the same figures.
enum DemoOpenUse {
    static func load(on db: any Database) async throws {
        let open = try await ResourceRow.query(on: db).filter(\.$openType == OpenType.unconditional.rawValue).sort(\.$code).all()
            .filter(OpenCatalog.isOnPortal)
        let rows = open.map { row in (row.code, counts(for: row)) }
        guard !rows.isEmpty else { return }
        // One statement per kind (a few hundred rows each): the demo's load stays batched.
        for kind in OpenUse.allCases {
            let values = rows.map { code, c -> SQLQueryString in "(\(bind: code), \(bind: kind.rawValue), \(bind: c[kind] ?? 0))" }
            try await db.sql.raw(
                """
                INSERT INTO open_counters (resource_code, kind, n) VALUES \(values.joined(separator: ", "))
                ON CONFLICT (resource_code, kind) DO UPDATE SET n = excluded.n
                """
            ).run()
        }
    }

    /// A dataset's uses: a base from its code, weighted by what the city's users reach for.
    static func counts(for row: ResourceRow) -> [OpenUse: Int] {
        let seed = stableHash(row.code)
        let themes = Set(row.catalogSnapshot?.themes ?? [])
        var weight = 1.0
        if row.updateCycle == UpdateCycle.realtime.rawValue { weight *= 4 }
        if !themes.isDisjoint(with: [.transport, .credit, .enterprise]) { weight *= 2.5 }
        if !themes.isDisjoint(with: [.health, .education, .environment]) { weight *= 1.5 }
        let downloads = Int(weight * Double(12 + seed % 380))
        let previews = downloads * (3 + Int(seed / 7 % 4))
        let calls = downloads * (row.updateCycle == UpdateCycle.realtime.rawValue ? 60 : 2 + Int(seed / 11 % 5))
        return [.download: downloads, .preview: previews, .api: calls]
    }

    /// FNV-1a over the code's bytes: the same on every machine and run (Swift's hashValue is not).
    static func stableHash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        return h
    }
}
