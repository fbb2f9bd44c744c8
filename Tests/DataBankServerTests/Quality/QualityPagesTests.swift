import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The quality pages: a resource's scores, trend and failing rules; the provider's tools; the
/// departments' roll-up.
@Suite("Quality pages")
struct QualityPagesTests {
    /// The provider checks from the page; the scores, the SVG trend, the failing rules and the flagged rows appear.
    @Test func providerChecksFromThePage() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.send(.PUT, "/api/v1/resources/\(f.code)/quality/policy", token: token, json: ["policy": "flag"])
            _ = try await app.loadCSV(f, f.csv(rows: 0..<8, setting: "postal_code", to: "5280", inRow: 2), token: token)
            let web = try await WebSession.signIn(app, f.steward)
            let resource = try await web.get("/catalog/resources/\(f.code)")
            #expect(resource.body.string.contains("data-testid=\"quality-link\""))
            let before = try await web.get("/catalog/resources/\(f.code)/quality")
            #expect(before.status == .ok)
            #expect(before.body.string.contains("data-testid=\"no-check\""))
            let checked = try await web.post("/catalog/resources/\(f.code)/quality/check", [])
            #expect(checked.status == .ok)
            let page = checked.body.string
            #expect(page.contains("data-testid=\"check-done\""))
            #expect(page.contains("data-testid=\"trend-chart\"") && page.contains("<svg"))
            #expect(page.contains("data-testid=\"score-validity\""))
            #expect(page.contains("data-testid=\"failing-rules\""))
            #expect(page.contains("data-testid=\"flags\""))
        }
    }

    /// Example values of sensitive items are masked with the item's default mask.
    @Test func examplesAreMasked() {
        let masks = QualityMasks(rules: ["mobile": .mask(.mobile), "id_number": .suppress])
        #expect(masks.mask("13812345678", column: "mobile") == "138****5678")
        #expect(masks.mask("440604199001011234", column: "id_number") == "******")
        #expect(masks.mask("528000", column: "postal_code") == "528000")
    }

    /// Others see the scores but not the provider's tools; a bad policy is re-shown with the message.
    @Test func viewersSeeScoresOnly() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let web = try await WebSession.signIn(app, f.steward)
            let bad = try await web.post("/catalog/resources/\(f.code)/quality/policy", [("policy", "ignore")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("quarantine"))
            let saved = try await web.post("/catalog/resources/\(f.code)/quality/policy", [("policy", "reject")])
            #expect(saved.status == .seeOther)
            let viewer = try await WebSession.signIn(app, "viewer")
            let page = try await viewer.get("/catalog/resources/\(f.code)/quality")
            #expect(page.status == .ok)
            #expect(!page.body.string.contains("data-testid=\"quality-tools\""))
            let refused = try await viewer.post("/catalog/resources/\(f.code)/quality/check", [])
            #expect(refused.status == .forbidden)
        }
    }

    /// The overview lists departments with checks; a department's page lists its resources.
    @Test func departmentPages() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3), token: token)
            _ = try await app.send(.POST, "/api/v1/resources/\(f.code)/quality/check", token: token)
            let store = try await RecordStores.find(f.code, on: app.db)
            let web = try await WebSession.signIn(app, "viewer")
            let overview = try await web.get("/quality")
            #expect(overview.body.string.contains("/departments/\(store.departmentCode)/quality"))
            let department = try await web.get("/departments/\(store.departmentCode)/quality")
            #expect(department.body.string.contains("/catalog/resources/\(f.code)/quality"))
        }
    }

    /// The demo city's quality story: a week-old check, corrections whose defects wait in the
    /// quarantine, and today's check — with the store's records still passing every rule.
    @Test func demoHasAQualityStory() async throws {
        try await withDataBank { app in
            try await DemoRecords.load(on: app.db)
            try await DemoQuality.load(on: app.db)
            let f = try await StoreFixture.enterprise(app)
            let summary = try await app.send(.GET, "/api/v1/resources/\(f.code)/quality").decode(QualityAPI.Summary.self)
            #expect(summary.history.count == 2)
            #expect(summary.openQuarantine > 0)
            #expect(summary.openFlags == 0)
            #expect(summary.latest?.scores?.validity == 100)
        }
    }

    /// The provider validates a file from the quality page (a real multipart upload over HTTP):
    /// the report comes back, nothing is loaded.
    @Test func validateAFileFromThePage() async throws {
        try await withServedDataBank { app, port, _ in
            let f = try await StoreFixture.enterprise(app)
            var web = try await WebSession.signIn(app, f.steward)
            let page = try await web.get("/catalog/resources/\(f.code)/quality")
            #expect(page.body.string.contains("data-testid=\"validate-file\""))
            web.keep(page)
            let csrf = web.cookies[CSRFMiddleware.cookie] ?? ""
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("企业-\(UUID()).csv").path
            try f.csv(rows: 0..<5, setting: "region_code", to: "999999", inRow: 3).write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let cookie = web.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            let html = try await curl([
                "-s", "-H", "Cookie: \(cookie)", "-F", "file=@\(path);type=text/csv",
                "http://127.0.0.1:\(port)/catalog/resources/\(f.code)/quality/validate?_csrf=\(csrf)"
            ])
            #expect(html.contains("data-testid=\"validate-report\""), "\(html.prefix(400))")
            #expect(html.contains("999999"))
            #expect(try await app.allRecords(f, token: try await app.token(f.steward)).isEmpty)
        }
    }
}

/// Runs curl (off the cooperative pool, see ``ChildProcess``) and answers its output.
func curl(_ arguments: [String]) async throws -> String {
    try await ChildProcess.run("/usr/bin/curl", ["--max-time", "60"] + arguments).stdout
}
