@testable import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// 预警 in the browser's terms: the list with its rules, one warning's page, and its forms.
@Suite("Services: the warnings pages")
struct WarningPageTests {
    static func make(_ app: Application) async throws -> (WarningFixture, WebSession, WarningInfo) {
        let f = try await WarningFixture.make(app)
        #expect(try await f.define(app, f.rule()).status == .created)
        try await f.steadyThenDrop(app)
        while try await WarningEvaluator.followAll(app: app) {}
        let w = try #require(try await f.warnings(app).first)
        return (f, try await WebSession.signIn(app, WarningFixture.labour), w)
    }

    /// The subscriber's list shows the warning (entity, values, state) and the rule it came from; the nav
    /// leads there; English is served too.
    @Test func theListShowsTheWarningAndItsRule() async throws {
        try await withDataBank { app in
            let (_, web, w) = try await Self.make(app)
            let html = try await web.get("/warnings").body.string
            #expect(html.contains("nav-warnings") && html.contains(w.entity) && html.contains("#\(w.seq)"))
            #expect(html.contains("企业用电量骤降") && html.contains("avg_prior(kwh, 3)") && html.contains("待处理"))
            let en = try await web.get("/warnings?lang=en").body.string
            #expect(en.contains("Early warnings") && en.contains("Electricity use drops") && en.contains("Warning rules"))
            let closed = try await web.get("/warnings?state=closed").body.string
            #expect(closed.contains("warnings-empty"))
        }
    }

    /// One warning's page shows its values; acknowledging through the form moves it and says so; closing
    /// without a note comes back with the message and nothing changed; closing with one settles it.
    @Test func theFormsAcknowledgeAndCloseWithANote() async throws {
        try await withDataBank { app in
            let (_, web, w) = try await Self.make(app)
            let path = "/warnings/\(w.id)"
            let page = try await web.get(path).body.string
            #expect(page.contains("warning-values") && page.contains("6000") && page.contains("ack-form") && page.contains("close-form"))
            let acked = try await web.post(path + "/ack", [])
            #expect(acked.status == .seeOther)
            #expect(try await web.get(path + "?done=ack").body.string.contains("已确认"))
            let bare = try await web.post(path + "/close", [("note", " ")])
            #expect(bare.status == .unprocessableEntity && bare.body.string.contains("关闭预警须写明处置情况"))
            #expect(try #require(try await WarningRow.find(w.id, on: app.db)).state == "acknowledged")
            let closed = try await web.post(path + "/close", [("note", "已约谈企业负责人")])
            #expect(closed.status == .seeOther)
            let after = try await web.get(path).body.string
            #expect(after.contains("已约谈企业负责人") && !after.contains("close-form"))
        }
    }

    /// A department that neither subscribes nor set the rule up finds no such warning.
    @Test func anOutsiderFindsNoWarning() async throws {
        try await withDataBank { app in
            let (_, _, w) = try await Self.make(app)
            let outsider = try await WebSession.signIn(app, "jtj_steward")
            #expect(try await outsider.get("/warnings/\(w.id)").status == .notFound)
            #expect(!(try await outsider.get("/warnings").body.string.contains(w.entity)))
        }
    }
}
