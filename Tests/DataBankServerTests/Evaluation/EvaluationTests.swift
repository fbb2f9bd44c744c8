import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import ZIPFoundation

struct EvaluationSchemeList: Decodable { var items: [EvaluationScheme] }
struct RunList: Decodable { var items: [EvaluationRunInfo] }

/// Department performance evaluation (绩效评估) through the HTTP app: schemes, runs over crafted facts,
/// ranking, evidence, freeze, adjustments, empty periods, authorization, exports and pages.
@Suite("Performance evaluation")
struct EvaluationTests {
    static let market = DemoDemands.C.market, tax = DemoDemands.C.tax, hr = DemoDemands.C.hr, civil = DemoDemands.C.civil

    static func at(_ iso: String) -> Date {
        let d = DateParsing.date(iso)!
        return Date(timeIntervalSince1970: Double(d.daysSinceEpoch) * 86_400 + 3 * 3600)
    }

    /// 2024 for the market bureau: three applications (one answered in time, one late, one still
    /// pending past its deadline) and a withdrawn one; exchanges to two departments (and to itself and
    /// the anonymous public, which do not count as departments served); two demands, one met.
    static func craft(_ app: Application) async throws {
        let sql = app.db.sql
        let resource = try #require(
            try await sql.raw("SELECT code FROM resources WHERE department_code = \(bind: market) ORDER BY code LIMIT 1").first()?
                .decode(column: "code", as: String.self))
        let applications: [(created: String, deadline: String, decided: String?, status: String)] = [
            ("2024-03-04", "2024-03-18", "2024-03-10", "approved"), ("2024-05-06", "2024-05-20", "2024-05-25", "rejected"),
            ("2024-06-03", "2024-06-17", nil, "pending"), ("2024-07-01", "2024-07-15", nil, "withdrawn")
        ]
        for a in applications {
            try await sql.raw(
                """
                INSERT INTO access_applications (id, kind, resource_code, provider_code, consumer_code, applicant_id, applicant_name,
                    sharing_type, purpose, legal_basis, scope, valid_from, valid_until, status, deadline, decided_at, created_at)
                VALUES (\(bind: UUID()), 'records', \(bind: resource), \(bind: market), \(bind: tax), \(bind: UUID()), 'test', 'conditional',
                    '核验', '依据', '{}', '2024-01-01', '2025-12-31', \(bind: a.status), \(bind: a.deadline), \(bind: a.decided.map(at)), \(bind: at(a.created)))
                """
            ).run()
        }
        for (day, consumer, records, requests) in [
            ("2024-02-01", tax, 500, 5), ("2024-08-01", tax, 300, 3), ("2024-09-09", hr, 200, 2), ("2024-09-10", market, 999, 9),
            ("2024-09-11", "anonymous", 1_000, 10), ("2023-12-31", hr, 7_777, 7)
        ] {
            try await sql.raw(
                """
                INSERT INTO exchange_stats (day, resource_code, provider_code, consumer_code, records_in, records_out, requests)
                VALUES (\(bind: day), \(bind: resource), \(bind: market), \(bind: consumer), 0, \(bind: records), \(bind: requests))
                """
            ).run()
        }
        // Objections: settled in 3 days, settled in 20, open and due, open but only 6 days old at the year's end, withdrawn.
        for (created, resolved, state) in [
            ("2024-03-01", "2024-03-04", "accepted"), ("2024-04-01", "2024-04-21", "rejected"), ("2024-06-01", nil, "open"),
            ("2024-12-25", nil, "open"), ("2024-05-01", nil, "withdrawn")
        ] {
            try await sql.raw(
                """
                INSERT INTO objections (id, resource_code, provider_code, record_key, note, state, raised_by, raised_by_id, consumer_code,
                    resolved_at, created_at)
                VALUES (\(bind: UUID()), \(bind: resource), \(bind: market), '1', '值有误', \(bind: state), 'test', \(bind: UUID()), \(bind: tax),
                    \(bind: resolved.map(at)), \(bind: at(created)))
                """
            ).run()
        }
        for (title, state) in [("企业年报数据", "fulfilled"), ("个体户登记数据", "pending")] {
            try await sql.raw(
                """
                INSERT INTO demands (id, title, reason, items, standards, urgency, provider_code, state, requester_code, requester_id,
                    requester_name, due, vote_count, created_at)
                VALUES (\(bind: UUID()), \(bind: title), '用途', '数据项', '[]', 'normal', \(bind: market), \(bind: state), \(bind: hr), \(bind: UUID()),
                    'test', '2024-04-15', 0, \(bind: at("2024-04-01")))
                """
            ).run()
        }
    }

    func run(_ app: Application, _ period: String, token: String) async throws -> EvaluationRunAnswer {
        let res = try await app.send(.POST, "/api/v1/evaluation/runs", token: token, json: ["scheme": "default", "period": period])
        #expect(res.status == .created, "\(res.body.string)")
        return try res.decode(EvaluationRunAnswer.self)
    }

    func unit(_ app: Application, _ run: EvaluationRunAnswer, _ department: String, token: String) async throws -> EvaluationUnitReport {
        let res = try await app.send(.GET, "/api/v1/evaluation/runs/\(run.run.id!.uuidString)/units/\(department)", token: token)
        #expect(res.status == .ok, "\(res.body.string)")
        return try res.decode(EvaluationUnitReport.self)
    }

    func expectError(_ res: TestingHTTPResponse, _ status: HTTPStatus, _ code: String, field: String? = nil) throws {
        #expect(res.status == status, "\(res.body.string)")
        let e = try res.errorBody()
        #expect(e.code == code, "\(res.body.string)")
        if let field { #expect(e.details.contains { $0.field == field }, "\(res.body.string)") }
    }

    func schemeBody(_ change: (inout EvaluationScheme) -> Void) -> EvaluationScheme {
        var s = EvaluationScheme.standard
        s.code = "test-scheme"
        change(&s)
        return s
    }

    /// The default scheme is shipped: fifteen indicators over the three dimensions, the seed's unit types.
    @Test func theDefaultSchemeIsShipped() async throws {
        try await withDataBank { app in
            let list = try await app.send(.GET, "/api/v1/evaluation/schemes", token: try await app.token("viewer")).decode(EvaluationSchemeList.self)
            let scheme = try #require(list.items.first { $0.code == "default" })
            #expect(scheme.indicators.count >= 12)
            #expect(Set(scheme.indicators.map(\.dimension)) == Set(EvaluationDimension.allCases))
            #expect(scheme.unitTypes.first { $0.code == "city" }?.assessmentWeight == 1.5)
            #expect(scheme.unitTypes.first { $0.code == "district" }?.assessmentWeight == 0.28)
        }
    }

    /// A formula that does not compile is refused with its position; an unknown fact by its name.
    @Test func badFormulasAreRefusedWithThePosition() async throws {
        try await withDataBank { app in
            let admin = try await app.token("admin")
            let syntax = try await app.send(
                .POST, "/api/v1/evaluation/schemes", token: admin, json: schemeBody { $0.indicators[3].formula = "ratio(updates_on_time, stores_total" })
            try expectError(syntax, .unprocessableEntity, "validation_failed", field: "indicators[3].formula")
            let detail = try #require(try syntax.errorBody().details.first { $0.field == "indicators[3].formula" })
            #expect(detail.code == "syntax" && detail.messageEn.hasPrefix("at character 36"))
            let unknown = try await app.send(
                .POST, "/api/v1/evaluation/schemes", token: admin, json: schemeBody { $0.indicators[0].formula = "ratio(resources_publishd, resources_total)" })
            let fact = try #require(try unknown.errorBody().details.first { $0.field == "indicators[0].formula" })
            #expect(fact.code == "unknown_fact" && fact.messageEn.contains("resources_publishd") && fact.messageEn.hasPrefix("at character 7"))
            #expect(try await app.send(.GET, "/api/v1/evaluation/schemes/test-scheme", token: admin).status == .notFound)
        }
    }

    /// Weights that do not add up to 100 are refused with the sum; a valid scheme is stored and editable.
    @Test func weightsMustAddUp() async throws {
        try await withDataBank { app in
            let admin = try await app.token("admin")
            let bad = try await app.send(.POST, "/api/v1/evaluation/schemes", token: admin, json: schemeBody { $0.indicators[0].weight = 3 })
            try expectError(bad, .unprocessableEntity, "weights_do_not_add_up", field: "indicators.weight")
            #expect(try bad.errorBody().message.contains("95"))
            let good = try await app.send(.POST, "/api/v1/evaluation/schemes", token: admin, json: schemeBody { $0.unitTypes[0].assessmentWeight = 2 })
            #expect(good.status == .created, "\(good.body.string)")
            try expectError(try await app.send(.POST, "/api/v1/evaluation/schemes", token: admin, json: schemeBody { _ in }), .conflict, "scheme_exists")
            let edited = try await app.send(
                .PUT, "/api/v1/evaluation/schemes/test-scheme", token: admin, json: schemeBody { $0.unitTypes[1].assessmentWeight = 0.3 })
            #expect(try edited.decode(EvaluationScheme.self).unitTypes[1].assessmentWeight == 0.3)
        }
    }

    /// A run computes the facts from the platform's tables: applications by their working-day
    /// deadline, exchanges to other departments, demands met; the score follows the formula.
    @Test func aRunComputesKnownFactsFromCraftedData() async throws {
        try await withDataBank { app in
            try await Self.craft(app)
            let admin = try await app.token("admin")
            let year = try await run(app, "2024", token: admin)
            #expect(year.run.period == "2024" && year.run.state == "open" && !year.run.empty)
            let report = try await unit(app, year, Self.market, token: admin)
            let f = report.facts
            #expect(f["applications_received"] == 3)
            #expect(f["applications_answered_in_time"] == 1)
            #expect(f["applications_answered_late"] == 2)
            #expect(f["applications_due"] == 3)
            #expect(f["records_shared"] == 2_000)  // 500 + 300 + 200 to departments and 1,000 to the public; its own reads never count
            #expect(f["consumers_served"] == 2)
            #expect(f["requests_served"] == 20)
            #expect(f["demands_received"] == 2 && f["demands_met"] == 1)
            #expect(f["audit_chain_intact"] == 1)
            #expect(f["objections_total"] == 4 && f["objections_due"] == 3 && f["objections_settled_in_time"] == 1)
            #expect(report.indicators.first { $0.code == "objections-in-time" }?.score == 33.33)
            let onTime = try #require(report.indicators.first { $0.code == "applications-in-time" })
            #expect(onTime.score == 33.33)
            #expect(onTime.facts == ["applications_answered_in_time": 1, "applications_due": 3])
            #expect(report.indicators.first { $0.code == "demand-met" }?.score == 50)
            #expect(report.indicators.first { $0.code == "consumers-served" }?.score == 20)
            // A quarter counts only its own months.
            let q3 = try await unit(app, try await run(app, "2024-Q3", token: admin), Self.market, token: admin)
            #expect(q3.facts["records_shared"] == 1_500 && q3.facts["applications_received"] == 0)
        }
    }

    /// Units are ranked within their type (city departments, districts), best first, ties sharing a rank.
    @Test func unitsAreRankedWithinTheirType() async throws {
        try await withDataBank { app in
            try await Self.craft(app)
            let answer = try await run(app, "2024", token: try await app.token("admin"))
            let levels = Dictionary(
                uniqueKeysWithValues: try await Department.query(on: app.db).all().map { ($0.code, $0.level) })
            #expect(answer.ranking.contains { $0.unitType == "city" } && answer.ranking.contains { $0.unitType == "district" })
            for type in ["city", "district"] {
                let lines = answer.ranking.filter { $0.unitType == type }
                #expect(lines.allSatisfy { levels[$0.department] == type })
                #expect(lines.first?.rank == 1)
                #expect(zip(lines, lines.dropFirst()).allSatisfy { $0.total >= $1.total && $0.rank <= $1.rank })
                #expect(lines.allSatisfy { $0.of == lines.count })
            }
            let market = try #require(answer.ranking.first { $0.department == Self.market })
            #expect(market.rank == 1 + answer.ranking.filter { $0.unitType == "city" && $0.total > market.total }.count)
        }
    }

    /// Each indicator names its evidence; the applications behind the score are listed with the late ones marked.
    @Test func evidenceLeadsToTheFacts() async throws {
        try await withDataBank { app in
            try await Self.craft(app)
            let answer = try await run(app, "2024", token: try await app.token("admin"))
            let report = try await unit(app, answer, Self.market, token: try await app.token("scj_steward"))
            let evidence = try #require(report.indicators.first { $0.code == "applications-in-time" }?.evidence)
            #expect(evidence.fact == "applications_answered_late" && evidence.value == 2)
            #expect(evidence.link == "/evaluation/runs/\(answer.run.id!.uuidString)/units/\(Self.market)/facts/applications")
            let web = try await WebSession.signIn(app, "scj_steward")
            let page = try await web.get(evidence.link)
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.components(separatedBy: "data-testid=\"fact-row\"").count - 1 == 3)
            #expect(html.components(separatedBy: "data-testid=\"fact-late\"").count - 1 == 2)
            #expect(html.contains("/sharing/applications/"))
            // The demands routed to the unit (the unmet one marked), and its stores with their update cycle.
            let demands = try await web.get("/evaluation/runs/\(answer.run.id!.uuidString)/units/\(Self.market)/facts/demands?lang=en")
            #expect(demands.body.string.components(separatedBy: "data-testid=\"fact-row\"").count - 1 == 2)
            #expect(demands.body.string.components(separatedBy: "data-testid=\"fact-late\"").count - 1 == 1)
            #expect(demands.body.string.contains("Fulfilled"))
            let stores = try await web.get("/evaluation/runs/\(answer.run.id!.uuidString)/units/\(Self.market)/facts/stores")
            #expect(stores.status == .ok && stores.body.string.contains("/catalog/resources/"))
            #expect(try await web.get("/evaluation/runs/\(answer.run.id!.uuidString)/units/\(Self.market)/facts/nothing").status == .notFound)
        }
    }

    /// Freezing makes the run the period's report: evaluating the period again is 409, the run never
    /// changes (no adjustment, no second freeze), whatever happens to the facts later.
    @Test func aFrozenReportNeverChanges() async throws {
        try await withDataBank { app in
            try await Self.craft(app)
            let admin = try await app.token("admin")
            let answer = try await run(app, "2024", token: admin)
            let id = answer.run.id!.uuidString
            let before = try await unit(app, answer, Self.market, token: admin)
            let frozen = try await app.send(.POST, "/api/v1/evaluation/runs/\(id)/freeze", token: admin)
            #expect(frozen.status == .ok)
            #expect(try frozen.decode(EvaluationRunAnswer.self).run.state == "frozen")
            let again = try await app.send(.POST, "/api/v1/evaluation/runs", token: admin, json: ["scheme": "default", "period": "2024"])
            try expectError(again, .conflict, "period_frozen", field: "period")
            try expectError(try await app.send(.POST, "/api/v1/evaluation/runs/\(id)/freeze", token: admin), .conflict, "run_frozen")
            let adjust = try await app.send(
                .POST, "/api/v1/evaluation/runs/\(id)/units/\(Self.market)/adjustments", token: admin,
                json: AdjustBody(indicator: "demand-met", points: 10, reason: "补充材料"))
            try expectError(adjust, .conflict, "run_frozen")
            // More facts arrive after the freeze.
            try await app.db.sql.raw(
                """
                INSERT INTO exchange_stats (day, resource_code, provider_code, consumer_code, records_in, records_out, requests)
                SELECT '2024-10-10', resource_code, provider_code, \(bind: Self.civil), 0, 5000, 50 FROM exchange_stats WHERE day = '2024-02-01'
                """
            ).run()
            #expect(try await EvaluationFacts.compute(.init(EvaluationPeriod("2024")!, now: Date()), on: app.db)[Self.market]?["records_shared"] == 7_000)
            let after = try await unit(app, answer, Self.market, token: admin)
            #expect(after.facts == before.facts && after.total == before.total && after.rank == before.rank)
            // The run list still shows it frozen, with who froze it.
            let list = try await app.send(.GET, "/api/v1/evaluation/runs", token: admin).decode(RunList.self)
            #expect(list.items.first { $0.id == answer.run.id }?.frozenBy == "admin")
        }
    }

    struct AdjustBody: Content { var indicator: String?; var points: Double?; var reason: String? }

    /// The platform admin adjusts an indicator with a reason (required), kept and shown; the total and the rank move.
    @Test func anExpertAdjustmentNeedsAReasonAndIsKept() async throws {
        try await withDataBank { app in
            try await Self.craft(app)
            let admin = try await app.token("admin")
            let answer = try await run(app, "2024", token: admin)
            let path = "/api/v1/evaluation/runs/\(answer.run.id!.uuidString)/units/\(Self.market)/adjustments"
            let before = try await unit(app, answer, Self.market, token: admin)
            try expectError(
                try await app.send(.POST, path, token: admin, json: AdjustBody(indicator: "demand-met", points: 20, reason: "  ")), .unprocessableEntity,
                "validation_failed", field: "reason")
            try expectError(
                try await app.send(.POST, path, token: admin, json: AdjustBody(indicator: "nope", points: 20, reason: "x")), .unprocessableEntity,
                "validation_failed", field: "indicator")
            try expectError(
                try await app.send(.POST, path, token: admin, json: AdjustBody(indicator: "demand-met", points: 500, reason: "x")),
                .unprocessableEntity, "validation_failed", field: "points")
            let steward = try await app.send(
                .POST, path, token: try await app.token("scj_steward"), json: AdjustBody(indicator: "demand-met", points: 20, reason: "自评"))
            #expect(steward.status == .forbidden)
            let res = try await app.send(.POST, path, token: admin, json: AdjustBody(indicator: "demand-met", points: 20, reason: "需求已线下满足，有函件为证"))
            #expect(res.status == .ok, "\(res.body.string)")
            let after = try res.decode(EvaluationUnitReport.self)
            let met = try #require(after.indicators.first { $0.code == "demand-met" })
            #expect(met.computed == 50 && met.adjustment == 20 && met.score == 70)
            #expect(met.adjustments.map(\.reason) == ["需求已线下满足，有函件为证"] && met.adjustments.first?.by == "admin")
            #expect(abs(after.total - (before.total + 20 * 8 / 100)) < 0.011)
            let html = try await WebSession.signIn(app, "admin").get("/evaluation/runs/\(answer.run.id!.uuidString)/units/\(Self.market)")
            #expect(html.body.string.contains("需求已线下满足，有函件为证"))
        }
    }

    /// A period with no activity gives an empty, clear report; a malformed period is a 400 naming the forms.
    @Test func anEmptyPeriodIsAClearEmptyReport() async throws {
        try await withDataBank { app in
            let admin = try await app.token("admin")
            let empty = try await run(app, "2019-Q1", token: admin)
            #expect(empty.run.empty && empty.ranking.isEmpty && empty.run.units == 0)
            #expect(empty.message?.contains("2019-Q1") == true)
            let page = try await WebSession.signIn(app, "admin").get("/evaluation/runs/\(empty.run.id!.uuidString)")
            #expect(page.status == .ok && page.body.string.contains("data-testid=\"empty-report\""))
            for bad in ["2019-13", "last year", ""] {
                let res = try await app.send(.POST, "/api/v1/evaluation/runs", token: admin, json: ["period": bad])
                #expect(res.status == .badRequest, "\(bad): \(res.body.string)")
                #expect(try res.errorBody().details.first?.field == "period")
            }
            try expectError(
                try await app.send(.POST, "/api/v1/evaluation/runs", token: admin, json: ["scheme": "nope", "period": "2024"]), .notFound, "unknown_scheme")
        }
    }

    /// Who may do what: the data authority runs, freezes and adjusts; a steward reads its own unit only
    /// (the ranking shows it alone); reviewers read every unit; nobody signed in reads nothing.
    @Test func authorizationFollowsTheTable() async throws {
        try await withDataBank { app in
            try await Self.craft(app)
            let steward = try await app.token("scj_steward")
            let denied = try await app.send(.POST, "/api/v1/evaluation/runs", token: steward, json: ["period": "2024"])
            #expect(denied.status == .forbidden)
            #expect(try await app.send(.POST, "/api/v1/evaluation/schemes", token: steward, json: schemeBody { _ in }).status == .forbidden)
            let answer = try await run(app, "2024", token: try await app.token("admin"))
            let id = answer.run.id!.uuidString
            #expect(try await app.send(.GET, "/api/v1/evaluation/runs/\(id)/units/\(Self.market)", token: steward).status == .ok)
            #expect(try await app.send(.GET, "/api/v1/evaluation/runs/\(id)/units/\(Self.tax)", token: steward).status == .forbidden)
            #expect(
                try await app.send(.GET, "/api/v1/evaluation/runs/\(id)/units/\(Self.market)/report.xlsx", token: try await app.token("rsj_steward")).status
                    == .forbidden)
            let own = try await app.send(.GET, "/api/v1/evaluation/runs/\(id)", token: steward).decode(EvaluationRunAnswer.self)
            #expect(own.ranking.map(\.department) == [Self.market])
            #expect(try await app.send(.POST, "/api/v1/evaluation/runs/\(id)/freeze", token: steward).status == .forbidden)
            let reviewer = try await app.send(.GET, "/api/v1/evaluation/runs/\(id)", token: try await app.token("reviewer")).decode(EvaluationRunAnswer.self)
            #expect(reviewer.ranking.count == answer.ranking.count)
            #expect(try await app.send(.GET, "/api/v1/evaluation/runs/\(id)/units/\(Self.tax)", token: try await app.token("reviewer")).status == .ok)
            #expect(try await app.send(.GET, "/api/v1/evaluation/runs/\(id)").status == .unauthorized)
            #expect(try await app.send(.GET, "/evaluation").status == .seeOther)
        }
    }

    /// The XLSX export is a proper workbook: the sheet holds the unit, the total and every indicator.
    @Test func theXLSXExportOpens() async throws {
        try await withDataBank { app in
            try await Self.craft(app)
            let answer = try await run(app, "2024", token: try await app.token("admin"))
            let res = try await app.send(
                .GET, "/api/v1/evaluation/runs/\(answer.run.id!.uuidString)/units/\(Self.market)/report.xlsx", token: try await app.token("scj_steward"))
            #expect(res.status == .ok)
            #expect(res.headers.contentType?.subType == "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            let archive = try Archive(data: Data(res.body.readableBytesView), accessMode: .read)
            var files: [String: String] = [:]
            for entry in archive {
                var data = Data()
                _ = try archive.extract(entry) { data.append($0) }
                files[entry.path] = String(decoding: data, as: UTF8.self)
            }
            #expect(files["[Content_Types].xml"] != nil && files["xl/workbook.xml"]?.contains("evaluation") == true)
            let sheet = try #require(files["xl/worksheets/sheet1.xml"])
            #expect(sheet.contains("共享申请按时答复") && sheet.contains("目录完整性") && sheet.contains("总分"))
            #expect(sheet.contains("<v>33.33</v>"))
        }
    }

    /// The PDF export prints the report with headless Chromium (a clear 503 when it is not installed).
    @Test func thePDFExportPrintsTheReport() async throws {
        try await withDataBank { app in
            try await Self.craft(app)
            let answer = try await run(app, "2024", token: try await app.token("admin"))
            let res = try await app.send(
                .GET, "/api/v1/evaluation/runs/\(answer.run.id!.uuidString)/units/\(Self.market)/report.pdf", token: try await app.token("admin"))
            if EvaluationExport.chromium() == nil {
                try expectError(res, .serviceUnavailable, "pdf_unavailable")
            } else {
                #expect(res.status == .ok, "\(res.body.string.prefix(300))")
                #expect(res.body.string.hasPrefix("%PDF"))
            }
            let html = try EvaluationExport.printable(
                try await EvaluationReports.unit(try await EvaluationRuns.find(answer.run.id, on: app.db), department: Self.market, language: "zh", on: app.db),
                Strings("zh"))
            #expect(html.contains("data-testid=\"unit-trend\"") && html.contains("共享申请按时答复"))
        }
    }

    /// The pages in both languages: runs list (with the form for the admin), ranking by type, a unit's
    /// report with its trend chart, indicators and exports; the admin starts and freezes a run by form.
    @Test func pagesRender() async throws {
        try await withDataBank { app in
            try await Self.craft(app)
            let web = try await WebSession.signIn(app, "admin")
            let started = try await web.post("/evaluation", [("scheme", "default"), ("period", "2024")])
            #expect(started.status == .seeOther)
            let runPath = try #require(started.headers.first(name: .location))
            for lang in ["zh", "en"] {
                let list = try await web.get("/evaluation?lang=\(lang)")
                #expect(list.status == .ok)
                #expect(list.body.string.contains("data-testid=\"runs\"") && list.body.string.contains("data-testid=\"run-form\""))
                let ranking = try await web.get(runPath + "?lang=\(lang)")
                #expect(ranking.status == .ok)
                let html = ranking.body.string
                #expect(html.contains("data-testid=\"ranking-table-city\"") && html.contains("data-testid=\"ranking-chart-city\""))
                #expect(html.contains(lang == "en" ? "City departments" : "市直部门"))
                let unit = try await web.get(runPath + "/units/\(Self.market)?lang=\(lang)")
                #expect(unit.status == .ok)
                let page = unit.body.string
                #expect(page.contains("data-testid=\"unit-trend\"") && page.contains("data-testid=\"unit-indicators\""))
                #expect(page.contains("data-testid=\"export-xlsx\"") && page.contains("data-testid=\"adjust-form\""))
                #expect(page.contains(lang == "en" ? "Applications answered within the deadline" : "共享申请按时答复"))
            }
            let bad = try await web.post("/evaluation", [("scheme", "default"), ("period", "2024-Q9")])
            #expect(bad.status == .badRequest && bad.body.string.contains("2024-Q9"))
            let frozen = try await web.post(runPath + "/freeze", [])
            #expect(frozen.status == .seeOther)
            let after = try await web.get(runPath)
            #expect(after.body.string.contains("data-testid=\"frozen-note\"") && !after.body.string.contains("data-testid=\"freeze-form\""))
            let steward = try await WebSession.signIn(app, "scj_steward")
            let mine = try await steward.get("/evaluation")
            #expect(mine.status == .ok && mine.body.string.contains("/units/\(Self.market)") && !mine.body.string.contains("run-form"))
            #expect(try await steward.get(runPath + "/units/\(Self.tax)").status == .forbidden)
        }
    }

    /// The cockpit's one call: the newest frozen run's ranking (else the newest open one).
    @Test func theLatestRankingPrefersTheFrozenRun() async throws {
        try await withDataBank { app in
            #expect(try await EvaluationRanking.latest(on: app.db) == nil)
            try await Self.craft(app)
            let admin = try await app.token("admin")
            let open = try await run(app, "2024", token: admin)
            let first = try #require(try await EvaluationRanking.latest(on: app.db))
            #expect(first.run == open.run.id && first.state == "open" && first.units.first?.rank == 1)
            #expect(first.units.map(\.unitType).first == "city")
            let q1 = try await run(app, "2024-Q1", token: admin)
            _ = try await app.send(.POST, "/api/v1/evaluation/runs/\(q1.run.id!.uuidString)/freeze", token: admin)
            let latest = try #require(try await EvaluationRanking.latest(on: app.db))
            #expect(latest.run == q1.run.id && latest.state == "frozen" && latest.period == "2024-Q1")
            #expect(latest.link == "/evaluation/runs/\(q1.run.id!.uuidString)")
        }
    }
}
