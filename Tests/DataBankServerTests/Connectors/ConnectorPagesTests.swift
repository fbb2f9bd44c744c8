import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The connector pages through the real app, signed in with a session cookie and posting forms with
/// the CSRF field, as a browser does.
@Suite("Connector pages")
struct ConnectorPagesTests {
    /// The form fields of a valid SQLite connector for the fixture's store.
    static func fields(_ cf: ConnectorFixture, code: String = "scj-reg", action: String = "save") -> [(String, String)] {
        [
            ("action", action), ("code", code), ("name", "企业登记同步"), ("resource", cf.store.code), ("source.kind", "sqlite"),
            ("source.path", "dept.sqlite"), ("source.table", "reg"),
            ("mapping", cf.mapping.map { "\($0.source) = \($0.item)" }.joined(separator: "\n")),
            ("schedule", "every 5 minutes"), ("mode", "incremental"), ("watermarkColumn", "seq"), ("maxFailures", "5")
        ]
    }

    @Test func theListShowsScheduleInWordsStateAndNextRunAndIsInTheNavigation() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            try await cf.writeSource(rows: 0..<3)
            #expect(try await app.send(.POST, "/api/v1/connectors", token: token, json: cf.body(schedule: "30 2 * * *")).status == .created)
            let web = try await WebSession.signIn(app, cf.store.steward)
            let html = try await web.get("/connectors").body.string
            for text in ["data-testid=\"nav-connectors\"", "scj-reg", "企业登记同步", "每天 02:30", "SQLite 文件", "启用", "尚未运行", "北京时间", "new-connector"] {
                #expect(html.contains(text), "missing \(text)")
            }
            let en = try await web.get("/connectors?lang=en").body.string
            #expect(en.contains("daily at 02:30") && en.contains("China Standard Time") && en.contains("Not run yet"))
        }
    }

    @Test func peopleWhoMayNotReadConnectorsNeitherSeeThemNorReachThem() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            try await cf.writeSource(rows: 0..<3)
            #expect(try await app.send(.POST, "/api/v1/connectors", token: token, json: cf.body()).status == .created)
            // Another department's steward: the list is theirs (empty), the connector is unknown to them.
            let other = try await WebSession.signIn(app, "jtj_steward")
            let list = try await other.get("/connectors").body.string
            #expect(!list.contains("scj-reg") && list.contains("connectors-empty"))
            #expect(try await other.get("/connectors/scj-reg").status == .notFound)
            #expect(try await other.get("/connectors/scj-reg/edit").status == .notFound)
            #expect(try await other.post("/connectors/scj-reg/run", []).status == .notFound)
            // A viewer: no menu entry, and the page is refused.
            let viewer = try await WebSession.signIn(app, "viewer")
            #expect(!(try await viewer.get("/catalog").body.string.contains("nav-connectors")))
            #expect(try await viewer.get("/connectors").status == .forbidden)
        }
    }

    @Test func theFormCreatesAConnectorAndLandsOnItsPage() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            try await cf.writeSource(rows: 0..<3)
            let web = try await WebSession.signIn(app, cf.store.steward)
            let form = try await web.get("/connectors/new?resource=\(cf.store.code)")
            #expect(form.status == .ok && form.body.string.contains("data-testid=\"connector-form\""))
            let res = try await web.post("/connectors/new", Self.fields(cf))
            #expect(res.status == .seeOther)
            #expect(res.headers.first(name: .location) == "/connectors/scj-reg?done=created")
            let row = try #require(try await ConnectorRow.query(on: app.db).filter(\.$code == "scj-reg").first())
            #expect(row.mode == "incremental" && row.watermarkColumn == "seq" && row.schedule == "every 5 minutes")
            let page = try await web.get("/connectors/scj-reg?done=created").body.string
            #expect(page.contains("连接器已创建") && page.contains("每 5 分钟") && page.contains("runs-empty"))
        }
    }

    @Test func aFormWithEveryFieldWrongIsShownAgainWithEachMessageAtItsField() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let web = try await WebSession.signIn(app, cf.store.steward)
            let res = try await web.post(
                "/connectors/new",
                [
                    ("action", "save"), ("code", "X!"), ("name", ""), ("resource", cf.store.code), ("source.kind", "sqlite"),
                    ("source.path", "../outside.sqlite"), ("source.table", "reg"), ("source.query", "DELETE FROM reg"),
                    ("mapping", "no equals sign here\nsrc_x = no_such_item"), ("schedule", "sometimes"), ("mode", "incremental"),
                    ("watermarkColumn", ""), ("maxFailures", "0")
                ])
            #expect(res.status == .unprocessableEntity)
            let html = res.body.string
            for field in ["code", "name", "source.path", "source.table", "mapping", "schedule", "maxFailures"] {
                #expect(html.contains("data-testid=\"error-\(field)\""), "no message at \(field)")
            }
            #expect(html.contains("error-summary") && html.contains("value=\"X!\""), "the form keeps what was typed")
            #expect(try await ConnectorRow.query(on: app.db).count() == 0)
        }
    }

    @Test func testConnectionShowsTheFirstRowsInTheFormAndSavesNothing() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            try await cf.writeSource(rows: 0..<30)
            let web = try await WebSession.signIn(app, cf.store.steward)
            let res = try await web.post("/connectors/new", Self.fields(cf, action: "test"))
            #expect(res.status == .ok)
            let html = res.body.string
            #expect(html.contains("data-testid=\"connector-preview\"") && html.contains("data-testid=\"preview-rows\""))
            #expect(html.contains(cf.store.key(0)) && !html.contains(cf.store.key(10)), "the first ten rows")
            #expect(html.contains("value=\"scj-reg\""), "the form is shown again, filled in")
            #expect(try await ConnectorRow.query(on: app.db).count() == 0)

            // A source that is not there: the message at the path.
            var missing = Self.fields(cf, action: "test")
            missing.removeAll { $0.0 == "source.path" }
            missing.append(("source.path", "nowhere.sqlite"))
            let failed = try await web.post("/connectors/new", missing)
            #expect(failed.status == .unprocessableEntity && failed.body.string.contains("data-testid=\"error-source.path\""))
        }
    }

    @Test func aFormWithoutItsCSRFFieldIsRefused() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let web = try await WebSession.signIn(app, cf.store.steward)
            let body = Self.fields(cf).map { "\(Escape.url($0.0))=\(Escape.url($0.1))" }.joined(separator: "&")
            let res = try await web.request(.POST, "/connectors/new", body: body)
            #expect(res.status == .forbidden)
            #expect(try await ConnectorRow.query(on: app.db).count() == 0)
        }
    }

    @Test func theConnectorPageRunsPausesResumesAndDeletesAfterConfirmation() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            try await cf.writeSource(rows: 0..<12)
            let web = try await WebSession.signIn(app, cf.store.steward)
            #expect(try await web.post("/connectors/new", Self.fields(cf)).status == .seeOther)

            let ran = try await web.post("/connectors/scj-reg/run", [])
            #expect(ran.status == .seeOther)
            let page = try await web.get(try #require(ran.headers.first(name: .location))).body.string
            #expect(page.contains("data-testid=\"run-result\"") && page.contains("读取 12 行"))
            #expect(page.contains("data-testid=\"runs\"") && page.contains("成功") && page.contains("— → 12"))

            #expect(try await web.post("/connectors/scj-reg/pause", []).status == .seeOther)
            #expect(try await ConnectorRow.query(on: app.db).first()?.status == "paused")
            #expect(try await web.get("/connectors/scj-reg").body.string.contains("resume-connector"))
            #expect(try await web.post("/connectors/scj-reg/resume", []).status == .seeOther)
            #expect(try await ConnectorRow.query(on: app.db).first()?.status == "active")

            let unconfirmed = try await web.post("/connectors/scj-reg/delete", [])
            #expect(unconfirmed.status == .unprocessableEntity)
            #expect(try await ConnectorRow.query(on: app.db).count() == 1)
            let deleted = try await web.post("/connectors/scj-reg/delete", [("confirm", "1")])
            #expect(deleted.status == .seeOther && deleted.headers.first(name: .location) == "/connectors?done=deleted")
            #expect(try await ConnectorRow.query(on: app.db).count() == 0)
        }
    }

    @Test func refusedRowsLinkToTheQuarantineOfTheirLoad() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let key = cf.store.keyColumn.name
            // Row 2's key is no credit code: refused, quarantined.
            try await cf.writeSource(rows: 0..<5, value: { c, r in c.name == key && r == 2 ? "not-a-code" : nil })
            let web = try await WebSession.signIn(app, cf.store.steward)
            #expect(try await web.post("/connectors/new", Self.fields(cf)).status == .seeOther)
            _ = try await web.post("/connectors/scj-reg/run", [])
            let html = try await web.get("/connectors/scj-reg").body.string
            #expect(html.contains("data-testid=\"run-quarantine\""))
            let load = try #require(try await LoadRow.query(on: app.db).filter(\.$resourceCode == cf.store.code).filter(\.$rejected > 0).first())
            #expect(html.contains("/loads/\(try load.requireID().uuidString)"))
        }
    }

    @Test func thePasswordIsWriteOnlyAndAnEmptyFieldKeepsIt() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let web = try await WebSession.signIn(app, cf.store.steward)
            var fields = Self.fields(cf, code: "scj-pg").filter { !$0.0.hasPrefix("source.") }
            fields += [
                ("source.kind", "postgres"), ("source.host", "127.0.0.1"), ("source.port", "5432"), ("source.database", "dept"),
                ("source.user", "reader"), ("source.password", "s3cret-pass"), ("source.table", "reg")
            ]
            #expect(try await web.post("/connectors/new", fields).status == .seeOther)
            let sealed = try #require(try await ConnectorRow.query(on: app.db).first()?.secret)
            let edit = try await web.get("/connectors/scj-pg/edit").body.string
            #expect(!edit.contains("s3cret-pass") && edit.contains("留空则保留"))
            #expect(!(try await web.get("/connectors/scj-pg").body.string.contains("s3cret-pass")))
            var change = fields.filter { $0.0 != "source.password" && $0.0 != "code" && $0.0 != "resource" }
            change.removeAll { $0.0 == "name" }
            change += [("name", "改名"), ("source.password", "")]
            #expect(try await web.post("/connectors/scj-pg/edit", change).status == .seeOther)
            let row = try #require(try await ConnectorRow.query(on: app.db).first())
            #expect(row.name == "改名" && row.secret == sealed)
            #expect(try await web.post("/connectors/scj-pg/edit", change + [("clearSecret", "1")]).status == .seeOther)
            #expect(try await ConnectorRow.query(on: app.db).first()?.secret == nil)
        }
    }

    /// A run in progress (its lease held, its history row `running`) shows as running on both pages.
    @Test func aRunningRunShowsAsRunning() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            try await cf.writeSource(rows: 0..<3)
            let web = try await WebSession.signIn(app, cf.store.steward)
            #expect(try await web.post("/connectors/new", Self.fields(cf)).status == .seeOther)
            let row = try #require(try await ConnectorRow.query(on: app.db).first())
            _ = try #require(try await ConnectorRunner.lease(try row.requireID(), now: app.settings.now(), on: app.db))
            let run = ConnectorRunRow()
            run.connectorID = try row.requireID(); run.connectorCode = row.code; run.resourceCode = row.resourceCode
            run.trigger = "schedule"; run.status = "running"; run.startedAt = Date(); run.heartbeatAt = Date()
            run.rowsRead = 10_000; run.inserted = 0; run.updated = 0; run.refused = 0; run.watermarkBefore = "7"
            try await run.create(on: app.db)
            let page = try await web.get("/connectors/scj-reg").body.string
            #expect(page.contains("正在运行") && page.contains("运行中") && page.contains("7 → …"))
            #expect(try await web.get("/connectors").body.string.contains("正在运行"))
            // Run now waits for it: 409, said on the page.
            let busy = try await web.post("/connectors/scj-reg/run", [])
            #expect(busy.status == .conflict && busy.body.string.contains("error-banner"))
        }
    }
}
