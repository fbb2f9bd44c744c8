import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Each department's quality: the mean of its resources' latest checks, per dimension and
/// overall, and how many of its stores are late against their update cycle. A resource never
/// checked is counted in `resources` but not in the means (`checked` says how many were).
enum DepartmentQualityRollup {
    static func all(on db: any Database) async throws -> [QualityAPI.DepartmentQuality] {
        let departments = try await Department.query(on: db).sort(\.$code).all()
        let stores = try await RecordStoreRow.query(on: db).all()
        let latest = try await latestRuns(department: nil, on: db)
        return departments.compactMap { d in
            let own = stores.filter { $0.departmentCode == d.code }
            guard !own.isEmpty else { return nil }
            return rollup(d, own, latest, items: false, names: [:])
        }
    }

    /// One department with each resource `actor` may see (a hidden resource is not listed, not even counted).
    static func one(_ code: String, actor: Actor?, on db: any Database) async throws -> QualityAPI.DepartmentQuality? {
        guard let d = try await Department.query(on: db).filter(\.$code == code).first() else { return nil }
        let all = try await RecordStoreRow.query(on: db).filter(\.$departmentCode == code).sort(\.$resourceCode).all()
        let names = try await ResourceRow.query(on: db).filter(\.$code ~~ all.map(\.resourceCode)).all()
            .filter { CatalogService.canSee($0, actor: actor) }
        let visible = Set(names.map(\.code))
        let stores = all.filter { visible.contains($0.resourceCode) }
        return rollup(d, stores, try await latestRuns(department: code, on: db), items: true,
                      names: Dictionary(names.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a }))
    }

    /// The newest run of every resource (of one department).
    static func latestRuns(department: String?, on db: any Database) async throws -> [String: QualityRunRow] {
        var query = QualityRunRow.query(on: db).sort(\.$startedAt, .descending)
        if let department { query = query.filter(\.$departmentCode == department) }
        var latest: [String: QualityRunRow] = [:]
        for run in try await query.all() where latest[run.resourceCode] == nil { latest[run.resourceCode] = run }
        return latest
    }

    static func rollup(_ d: Department, _ stores: [RecordStoreRow], _ latest: [String: QualityRunRow], items: Bool,
                       names: [String: String]) -> QualityAPI.DepartmentQuality {
        let checked = stores.compactMap { latest[$0.resourceCode]?.detail?.scores }
        var means: [String: Double] = [:]
        for dim in QualityScores.Dimension.allCases where !checked.isEmpty {
            means[dim.rawValue] = (checked.map { $0.score(dim) }.reduce(0, +) / Double(checked.count) * 10).rounded() / 10
        }
        let overall = checked.isEmpty ? nil : (checked.map(\.overall).reduce(0, +) / Double(checked.count) * 10).rounded() / 10
        return QualityAPI.DepartmentQuality(
            department: d.code, name: d.name, resources: stores.count, checked: checked.count, overall: overall, scores: means,
            late: checked.filter(\.late).count,
            items: items ? stores.map { s in
                let run = latest[s.resourceCode]
                return QualityAPI.ResourceQuality(code: s.resourceCode, name: names[s.resourceCode] ?? s.resourceCode, checkedAt: run?.startedAt,
                                                  overall: run?.overall, scores: run?.detail?.scores)
            } : nil)
    }
}
