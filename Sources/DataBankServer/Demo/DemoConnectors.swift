import FluentSQLiteDriver
import Foundation
import NIOPosix
import Vapor
import DataBankCore

/// The demo's connectors (前置交换), found at `/api/v1/connectors` and with `databank connectors list`:
///
/// - `scj-approvals-db`: the market regulation bureau's own approval system, simulated as a SQLite file
///   (`connectors/440600002/approvals.sqlite` under the demo's data folder: each department's files are in
///   a folder named by its code) whose rows change while the demo
///   serves — a few new ones and a few edited ones a minute, each stamped with a rising `change_seq` —
///   pulled every minute, incrementally by `change_seq`;
/// - `hrss-drops`: human resources and social security's old system drops GB18030 CSV files (its
///   header in Chinese item names) into `connectors/440600005/drops/`; every two minutes the connector
///   loads what was dropped and moves each file to `done/` or `failed/`.
///
/// - `jtj-records-api`: the transport bureau's business system's HTTP API (``DemoDepartmentAPI``, served
///   by the demo itself at `/demo-sources/<department>/records`), cursor-paged JSON behind basic
///   authentication, pulled every two minutes incrementally by `updated_seq` (sent as `since`).
///
/// Each fills a published, keyed, non-flagship store of its department (the first by code), so the
/// background flagship fill never touches their records.
enum DemoConnectors {
    struct Plan {
        var code: String
        var name: String
        var department: String
        var owner: String
        var store: RecordStoreRow
        var generator: DemoRecordGenerator
    }

    /// Creates the connectors (once) and their sources (again, when their files are gone); returns what it did.
    /// `apiBase`: where the demo serves (`http://127.0.0.1:8080`), for the HTTP API connector; nil: none.
    @discardableResult
    static func setUp(_ app: Application, apiBase: String? = nil) async throws -> [String] {
        guard let root = app.settings.connectorRoot else { return [] }
        let db = app.db
        var said: [String] = []
        if let plan = try await plan("scj-approvals-db", "市场监管局审批系统（模拟数据库）", owner: "scj_steward", on: db) {
            let path = root + "/\(plan.department)/approvals.sqlite"
            if !FileManager.default.fileExists(atPath: path) { try await createDatabase(path, plan: plan, rows: 0..<120) }
            if try await ConnectorRow.query(on: db).filter(\.$code == plan.code).first() == nil {
                let columns = plan.store.recordLayout.columns
                try await create(
                    plan, kind: "sqlite",
                    source: ConnectorSource(kind: "sqlite", path: "approvals.sqlite", table: "approvals"),
                    mapping: columns.map { .init(source: "src_" + $0.name, item: $0.name) },
                    schedule: "every 1 minutes", mode: "incremental", watermark: "change_seq", app: app)
            }
            said.append("\(plan.code): \(plan.store.resourceCode) ← \(path) (incremental by change_seq, every minute)")
        }
        if let plan = try await plan("hrss-drops", "人社局旧系统文件交换（GB18030）", owner: "rsj_steward", on: db) {
            let folder = root + "/\(plan.department)/drops"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            if try await ConnectorRow.query(on: db).filter(\.$code == plan.code).first() == nil {
                try drop(plan, rows: 0..<40, into: folder, name: "hrss-0001.csv")
                try await create(
                    plan, kind: "folder", source: ConnectorSource(kind: "folder", path: "drops", encoding: "auto"), mapping: [],
                    schedule: "every 2 minutes", mode: "incremental", watermark: nil, app: app)
            }
            said.append("\(plan.code): \(plan.store.resourceCode) ← \(folder)/ (GB18030 CSV drops, every 2 minutes)")
        }
        if let apiBase, let line = try await setUpAPI(app, root: root, base: apiBase) { said.append(line) }
        return said
    }

    /// The HTTP API connector and its simulated API (the route registered on `app`); its address
    /// follows the demo's port from one start to the next. Loopback is allowed to connectors for it.
    static func setUpAPI(_ app: Application, root: String, base: String) async throws -> String? {
        guard let plan = try await plan("jtj-records-api", "交通运输局业务系统接口（模拟 HTTP API）", owner: "jtj_steward", on: app.db) else {
            return nil
        }
        try FileManager.default.createDirectory(atPath: root + "/\(plan.department)", withIntermediateDirectories: true)
        let api = DemoDepartmentAPI(plan: plan, file: root + "/\(plan.department)/records-api.json")
        api.register(on: app)
        app.storage[DemoDepartmentAPIKey.self] = api
        if let host = URL(string: base)?.host { app.settings.connectorAllow.hosts.insert(host.lowercased()) }
        let source = ConnectorSource(
            kind: "http", user: DemoDepartmentAPI.user, format: "json", url: base + "/demo-sources/\(plan.department)/records", records: "/data/records",
            paging: HTTPPaging(style: "cursor", cursorPath: "/paging/next_cursor", cursorParam: "cursor"), auth: "basic",
            watermarkParam: "since")
        let sourceJSON = String(decoding: try JSONEncoder().encode(source), as: UTF8.self)
        if let row = try await ConnectorRow.query(on: app.db).filter(\.$code == plan.code).first() {
            if row.source != sourceJSON { row.source = sourceJSON; try await row.save(on: app.db) }
        } else {
            try await create(
                plan, kind: "http", source: source, mapping: plan.store.recordLayout.columns.map { .init(source: $0.name, item: $0.name) },
                schedule: "every 2 minutes", mode: "incremental", watermark: "updated_seq", app: app)
            if let row = try await ConnectorRow.query(on: app.db).filter(\.$code == plan.code).first() {
                row.secret = ConnectorSecrets.seal(DemoDepartmentAPI.password, code: row.code, key: try await ConnectorSecrets.key(app: app, on: app.db))
                // Its first run once the server listens (the API is on it).
                row.nextRunAt = app.settings.now().addingTimeInterval(20)
                try await row.save(on: app.db)
            }
        }
        return
            "\(plan.code): \(plan.store.resourceCode) ← \(base)/demo-sources/\(plan.department)/records (HTTP API, cursor-paged JSON, basic auth, every 2 minutes)"
    }

    /// The first published, keyed, non-flagship store of the owner's department.
    static func plan(_ code: String, _ name: String, owner: String, on db: any Database) async throws -> Plan? {
        guard let department = try await User.query(on: db).filter(\.$username == owner).first()?.departmentCode else { return nil }
        let resources = try await ResourceRow.query(on: db).filter(\.$departmentCode == department).filter(\.$status == "published")
            .filter(\.$classified == false).sort(\.$code).all()
        for resource in resources where !DemoRecordPlan.isFlagship(resource.name) && !DemoRecordPlan.loadedElsewhere.contains(resource.name) {
            guard let store = try await RecordStoreRow.query(on: db).filter(\.$resourceCode == resource.code).first(),
                store.recordLayout.keyColumns.count == 1
            else { continue }
            let rules = try await QualitySetup.load(store, on: db).rules
            let generator = DemoRecordGenerator(
                layout: store.recordLayout, rules: rules, resourceName: resource.name, rows: 100_000, nowLocalSeconds: DemoRecords.localNow(),
                entityOffset: 50_000)
            guard generator.capacity >= 10_000 else { continue }
            return Plan(code: code, name: name, department: department, owner: owner, store: store, generator: generator)
        }
        return nil
    }

    static func create(
        _ plan: Plan, kind: String, source: ConnectorSource, mapping: [ConnectorMapping.Pair], schedule: String, mode: String, watermark: String?,
        app: Application
    ) async throws {
        let row = ConnectorRow()
        row.code = plan.code; row.name = plan.name; row.resourceCode = plan.store.resourceCode; row.departmentCode = plan.department
        row.ownerName = plan.owner; row.sourceKind = kind; row.status = "active"; row.failures = 0; row.maxFailures = 5
        row.source = String(decoding: try JSONEncoder().encode(source), as: UTF8.self)
        row.mapping = String(decoding: try JSONEncoder().encode(mapping), as: UTF8.self)
        row.schedule = schedule; row.mode = mode; row.watermarkColumn = watermark
        row.nextRunAt = app.settings.now()
        try await row.create(on: app.db)
    }

    // MARK: The simulated department systems

    /// The approval system's database: the store's items as `src_…` columns, and `change_seq`.
    static func createDatabase(_ path: String, plan: Plan, rows: Range<Int>) async throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let conn = try await SQLiteConnection.open(storage: .file(path: path), threadPool: .singleton, on: MultiThreadedEventLoopGroup.singleton.any())
        do {
            let columns = plan.store.recordLayout.columns.map { "src_\($0.name) TEXT" }.joined(separator: ", ")
            _ = try await conn.query("PRAGMA journal_mode = WAL")
            _ = try await conn.query("CREATE TABLE IF NOT EXISTS approvals (change_seq INTEGER NOT NULL, \(columns))")
            _ = try await conn.query("CREATE INDEX IF NOT EXISTS approvals_seq ON approvals (change_seq)")
            try await insert(rows, plan: plan, into: conn)
        } catch {
            try? await conn.close(); throw error
        }
        try await conn.close()
    }

    static func insert(_ rows: Range<Int>, plan: Plan, into conn: SQLiteConnection) async throws {
        let marks = Array(repeating: "?", count: plan.store.recordLayout.columns.count).joined(separator: ", ")
        _ = try await conn.query("BEGIN")
        for i in rows {
            let values = plan.generator.row(i).map { $0.isEmpty ? SQLiteData.null : .text($0) }
            _ = try await conn.query(
                "INSERT INTO approvals VALUES ((SELECT COALESCE(MAX(change_seq), 0) + 1 FROM approvals), \(marks))", values)
        }
        _ = try await conn.query("COMMIT")
    }

    /// A minute of the approval system's work: `added` new approvals, and `edited` earlier ones given
    /// another approval's value in one item (and a new `change_seq`).
    static func work(_ path: String, plan: Plan, added: Int = 3, edited: Int = 2) async throws {
        let conn = try await SQLiteConnection.open(storage: .file(path: path), threadPool: .singleton, on: MultiThreadedEventLoopGroup.singleton.any())
        do {
            let count = try await conn.query("SELECT COUNT(*) AS n FROM approvals").first?.column("n")?.integer ?? 0
            try await insert(count..<(count + added), plan: plan, into: conn)
            let layout = plan.store.recordLayout
            if let column = layout.columns.first(where: { !$0.primaryKey && !$0.required && [.C, .D, .I, .N].contains($0.type) }),
                let k = layout.columns.firstIndex(of: column), let key = layout.keyColumns.first
            {
                for _ in 0..<edited where count > 1 {
                    let victim = Int.random(in: 0..<count), donor = Int.random(in: 0..<(count + 1_000))
                    let value = plan.generator.row(donor)[k]
                    _ = try await conn.query(
                        """
                        UPDATE approvals SET src_\(column.name) = ?, change_seq = (SELECT MAX(change_seq) + 1 FROM approvals)
                        WHERE src_\(key.name) = ?
                        """, [value.isEmpty ? .null : .text(value), .text(plan.generator.row(victim)[layout.columns.firstIndex(of: key)!])])
                }
            }
        } catch {
            try? await conn.close(); throw error
        }
        try await conn.close()
    }

    /// A GB18030 CSV with the items' Chinese names as its header, written under a hidden name and
    /// renamed when complete (as a connector expects a drop to arrive).
    static func drop(_ plan: Plan, rows: Range<Int>, into folder: String, name: String) throws {
        let g = plan.generator
        let header = plan.store.recordLayout.columns.map(\.itemName).joined(separator: ",")
        guard let bytes = TextTranscoder.gb18030(header + "\n" + g.csv(rows)) else { return }
        let hidden = folder + "/." + name
        try Data(bytes).write(to: URL(fileURLWithPath: hidden))
        try FileManager.default.moveItem(atPath: hidden, toPath: folder + "/" + name)
    }

    /// While the demo serves: the approval system works every minute, and every five minutes the
    /// old system drops a file of new and updated people.
    static func start(_ app: Application) {
        let task = Task {
            var minute = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(60))
                if Task.isCancelled { break }
                minute += 1
                guard let root = app.settings.connectorRoot else { break }
                do {
                    if let plan = try await plan("scj-approvals-db", "", owner: "scj_steward", on: app.db) {
                        let path = root + "/\(plan.department)/approvals.sqlite"
                        if FileManager.default.fileExists(atPath: path) { try await work(path, plan: plan) }
                    }
                    try await app.storage[DemoDepartmentAPIKey.self]?.work()
                    if minute % 5 == 0, let plan = try await plan("hrss-drops", "", owner: "rsj_steward", on: app.db) {
                        let start = 40 + (minute / 5 - 1) * 10
                        // Ten new people, and five already sent again (an upsert leaves them as they are).
                        try drop(
                            plan, rows: (start - 5)..<(start + 10), into: root + "/\(plan.department)/drops",
                            name: String(format: "hrss-%04d.csv", minute / 5 + 1))
                    }
                } catch {
                    app.logger.warning("demo connectors: \(error)")
                }
            }
        }
        app.lifecycle.use(DemoBusFeed.Stopper(task: task))
    }
}

/// The demo's simulated HTTP API, for the minute loop.
struct DemoDepartmentAPIKey: StorageKey { typealias Value = DemoDepartmentAPI }
