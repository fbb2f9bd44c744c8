import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

struct DemandList: Decodable { var items: [DemandInfo] }
struct DemandGapList: Decodable { var items: [DemandCounting.Gap] }
struct SuggestionList: Decodable { var items: [DemandSuggestion] }

/// The demand registry (需求登记): register, suggestions, routing, answers, deadlines, votes, counts.
@Suite("Demand registry")
struct DemandTests {
    static let market = DemoDemands.C.market, transport = DemoDemands.C.transport, hr = DemoDemands.C.hr

    func register(
        _ app: Application, token: String, title: String = "企业登记注册信息", provider: String? = DemoDemands.C.market, theme: String? = "enterprise",
        extra: [String: AnyEncodable] = [:]
    ) async throws -> TestingHTTPResponse {
        var body: [String: AnyEncodable] = [
            "title": AnyEncodable(title), "reason": AnyEncodable("新办纳税人登记信息核验"), "items": AnyEncodable("统一社会信用代码、企业名称、法定代表人")
        ]
        if let provider { body["provider"] = AnyEncodable(provider) }
        if let theme { body["theme"] = AnyEncodable(theme) }
        for (k, v) in extra { body[k] = v }
        return try await app.send(.POST, "/api/v1/demands", token: token, json: body)
    }

    func registered(_ app: Application, token: String, title: String = "企业登记注册信息", provider: String? = DemoDemands.C.market) async throws -> DemandInfo {
        let res = try await register(app, token: token, title: title, provider: provider)
        #expect(res.status == .created, "\(res.body.string)")
        return try res.decode(DemandInfo.self)
    }

    func act(_ app: Application, _ d: DemandInfo, _ action: String, token: String, _ body: [String: String] = [:]) async throws -> TestingHTTPResponse {
        try await app.send(.POST, "/api/v1/demands/\(d.id?.uuidString ?? "")/\(action)", token: token, json: body)
    }

    func expectError(_ res: TestingHTTPResponse, _ status: HTTPStatus, _ code: String, field: String) throws {
        #expect(res.status == status, "\(res.body.string)")
        let e = try res.errorBody()
        #expect(e.code == code)
        #expect(e.details.first?.field == field, "\(res.body.string)")
    }

    func notifications(_ app: Application, _ department: String, _ kind: String) async throws -> [NotificationRow] {
        try await NotificationRow.query(on: app.db).filter(\.$departmentCode == department).filter(\.$kind == kind).all()
    }

    /// A steward registers a need naming the provider: it is pending, due in working days, in the
    /// provider's inbox, in the history and in the audit trail.
    @Test func registeringRoutesToTheNamedProvider() async throws {
        try await withDataBank { app in
            let d = try await registered(app, token: try await app.token("rsj_steward"))
            #expect(d.state == "pending")
            #expect(d.provider == Self.market)
            #expect(d.requester == Self.hr)
            #expect(d.due == WorkingDays.add(Demands.answerDays, to: app.today).iso)
            #expect(!d.overdue)
            #expect(try await notifications(app, Self.market, "demand.registered").count == 1)
            let shown = try await app.send(.GET, "/api/v1/demands/\(d.id!.uuidString)", token: try await app.token("jtj_steward")).decode(DemandInfo.self)
            #expect(shown.events?.map(\.action) == ["registered"])
            let audited = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'demand.register'").first()
            #expect(try audited?.decode(column: "n", as: Int.self) == 1)
        }
    }

    /// Without a provider the need goes to the data authority, which assigns one; the provider is told.
    @Test func unassignedDemandsGoToTheDataAuthorityWhoAssigns() async throws {
        try await withDataBank { app in
            let d = try await registered(app, token: try await app.token("rsj_steward"), provider: nil)
            #expect(d.provider == nil)
            #expect(try await notifications(app, DemoDemands.C.dataAuthority, "demand.unassigned").count == 1)
            // Only the data authority answers or assigns an unassigned demand.
            try expectError(try await act(app, d, "accept", token: try await app.token("scj_steward")), .forbidden, "forbidden", field: "provider")
            try expectError(
                try await act(app, d, "assign", token: try await app.token("scj_steward"), ["provider": Self.market]), .forbidden, "forbidden",
                field: "provider")
            let admin = try await app.token("admin")
            try expectError(
                try await act(app, d, "assign", token: admin, ["provider": "999999999"]), .unprocessableEntity, "unknown_provider", field: "provider")
            let assigned = try await act(app, d, "assign", token: admin, ["provider": Self.market])
            #expect(assigned.status == .ok, "\(assigned.body.string)")
            #expect(try assigned.decode(DemandInfo.self).provider == Self.market)
            #expect(try await notifications(app, Self.market, "demand.assigned").count == 1)
            #expect(try await act(app, d, "accept", token: try await app.token("scj_steward")).status == .ok)
        }
    }

    /// The answer lists resources that may already meet the need, found by the catalog search in
    /// unspaced Chinese: a sentence about enterprise registration finds 企业登记信息表.
    @Test func registeringSuggestsExistingResources() async throws {
        try await withDataBank { app in
            let code = try #require(try await ResourceRow.query(on: app.db).filter(\.$name == "企业登记信息表").first()).code
            let res = try await register(app, token: try await app.token("rsj_steward"), title: "需要全市企业登记信息用于纳税人核验")
            #expect(res.status == .created)
            #expect(try res.decode(DemandInfo.self).suggestions?.map(\.code).contains(code) == true)
            let direct = try await app.send(.GET, "/api/v1/demands/suggestions?q=\(Escape.url("企业登记"))", token: try await app.token("rsj_steward"))
            #expect(try direct.decode(SuggestionList.self).items.map(\.code).contains(code))
        }
    }

    /// Suggestions respect catalog visibility: another department's draft is suggested to its own
    /// stewards, never to anyone else.
    @Test func suggestionsRespectCatalogVisibility() async throws {
        try await withDataBank { app in
            let draft = try await app.send(.POST, "/api/v1/resources", token: try await app.token("scj_steward"), json: try await sampleResource(app))
            #expect(draft.status == .created, "\(draft.body.string)")
            let q = "/api/v1/demands/suggestions?q=\(Escape.url("年报信息测试"))"
            #expect(
                try await app.send(.GET, q, token: try await app.token("scj_steward")).decode(SuggestionList.self).items.map(\.code).contains("301001-09001"))
            #expect(
                !(try await app.send(.GET, q, token: try await app.token("rsj_steward")).decode(SuggestionList.self).items.map(\.code).contains("301001-09001"))
            )
        }
    }

    /// Accept, then fulfil with a published resource: the link is kept, the requester and the voters are told.
    @Test func fulfilledByAResourceTellsRequesterAndVoters() async throws {
        try await withDataBank { app in
            let provider = try await app.token("scj_steward")
            let d = try await registered(app, token: try await app.token("rsj_steward"))
            #expect(try await act(app, d, "vote", token: try await app.token("jtj_steward")).status == .ok)
            let accepted = try await act(app, d, "accept", token: provider, ["note": "本月内发布"])
            #expect(try accepted.decode(DemandInfo.self).state == "accepted")
            #expect(try await notifications(app, Self.hr, "demand.accepted").count == 1)
            let code = try #require(try await ResourceRow.query(on: app.db).filter(\.$name == "企业登记信息表").first()).code
            let done = try await act(app, d, "fulfil", token: provider, ["resource": code])
            #expect(done.status == .ok, "\(done.body.string)")
            let info = try done.decode(DemandInfo.self)
            #expect(info.state == "fulfilled")
            #expect(info.fulfilledResource == code)
            #expect(info.events?.map(\.action) == ["registered", "voted", "accepted", "fulfilled"])
            #expect(try await notifications(app, Self.hr, "demand.fulfilled").count == 1)
            #expect(try await notifications(app, Self.transport, "demand.fulfilled").count == 1)
        }
    }

    /// The requester's page names the resource that met the demand, its code beside it.
    @Test func thePageNamesTheResourceThatMetIt() async throws {
        try await withDataBank { app in
            let provider = try await app.token("scj_steward")
            let d = try await registered(app, token: try await app.token("rsj_steward"))
            let code = try #require(try await ResourceRow.query(on: app.db).filter(\.$name == "企业登记信息表").first()).code
            #expect(try await act(app, d, "fulfil", token: provider, ["resource": code]).status == .ok)
            let page = try await WebSession.signIn(app, "rsj_steward").get("/demands/\(d.id?.uuidString ?? "")").body.string
            #expect(page.contains("data-testid=\"fulfilled-resource\">企业登记信息表</a>"))
            #expect(page.contains("<span class=\"code muted\">\(code)</span>"))
        }
    }

    /// A grant meets a demand too; its resource becomes the link.
    @Test func fulfilledByAGrant() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let consumer = try await app.token("jtj_steward")
            let d = try await registered(app, token: consumer, title: "道路运输企业登记状态")
            let grant = try await app.grantAtOnce(f, consumer: consumer, items: ["enterprise_name", "legal_rep"], lastKey: f.key(3), purpose: "道路运输经营许可核查")
            let done = try await act(app, d, "fulfil", token: try await app.token("scj_steward"), ["grant": try grant.requireID().uuidString])
            #expect(done.status == .ok, "\(done.body.string)")
            let info = try done.decode(DemandInfo.self)
            #expect(info.fulfilledGrant == grant.id)
            #expect(info.fulfilledResource == f.code)
        }
    }

    /// Fulfilling needs a link that exists: none, an unknown resource, an unknown grant are refused naming the field.
    @Test func fulfilWithoutAValidLinkIsRefused() async throws {
        try await withDataBank { app in
            let provider = try await app.token("scj_steward")
            let d = try await registered(app, token: try await app.token("rsj_steward"))
            try expectError(try await act(app, d, "fulfil", token: provider), .unprocessableEntity, "link_required", field: "resource")
            try expectError(
                try await act(app, d, "fulfil", token: provider, ["resource": "999999-99999"]), .unprocessableEntity, "unknown_resource", field: "resource")
            try expectError(
                try await act(app, d, "fulfil", token: provider, ["grant": UUID().uuidString]), .unprocessableEntity, "unknown_grant", field: "grant")
            try expectError(try await act(app, d, "fulfil", token: provider, ["grant": "not-a-grant"]), .unprocessableEntity, "unknown_grant", field: "grant")
        }
    }

    /// Declining needs a reason; with one, the requester is told why.
    @Test func declineNeedsAReason() async throws {
        try await withDataBank { app in
            let provider = try await app.token("scj_steward")
            let d = try await registered(app, token: try await app.token("rsj_steward"))
            try expectError(try await act(app, d, "decline", token: provider, ["reason": "  "]), .unprocessableEntity, "reason_required", field: "reason")
            let res = try await act(app, d, "decline", token: provider, ["reason": "涉及商业秘密"])
            #expect(try res.decode(DemandInfo.self).state == "declined")
            #expect(try res.decode(DemandInfo.self).resolution == "涉及商业秘密")
            #expect(try await notifications(app, Self.hr, "demand.declined").count == 1)
        }
    }

    /// A transition the state does not allow is a 409 naming `state`: accepting twice, answering a settled demand.
    @Test func transitionsNotAllowedFromTheStateAre409() async throws {
        try await withDataBank { app in
            let provider = try await app.token("scj_steward")
            let d = try await registered(app, token: try await app.token("rsj_steward"))
            #expect(try await act(app, d, "accept", token: provider).status == .ok)
            try expectError(try await act(app, d, "accept", token: provider), .conflict, "invalid_transition", field: "state")
            #expect(try await act(app, d, "decline", token: provider, ["reason": "无此数据"]).status == .ok)
            let code = try #require(try await ResourceRow.query(on: app.db).filter(\.$name == "企业登记信息表").first()).code
            try expectError(try await act(app, d, "fulfil", token: provider, ["resource": code]), .conflict, "invalid_transition", field: "state")
            try expectError(
                try await act(app, d, "assign", token: try await app.token("admin"), ["provider": Self.transport]), .conflict, "invalid_transition",
                field: "state")
        }
    }

    /// Only the provider (or the data authority) answers: another department's steward gets 403 naming `provider`.
    @Test func anotherDepartmentCannotAnswer() async throws {
        try await withDataBank { app in
            let d = try await registered(app, token: try await app.token("rsj_steward"))
            let other = try await app.token("jtj_steward")
            try expectError(try await act(app, d, "accept", token: other), .forbidden, "forbidden", field: "provider")
            try expectError(try await act(app, d, "decline", token: other, ["reason": "x"]), .forbidden, "forbidden", field: "provider")
            try expectError(try await act(app, d, "fulfil", token: other, ["resource": "x"]), .forbidden, "forbidden", field: "provider")
            // A viewer of the provider's … department may not either; the data authority may.
            #expect(try await act(app, d, "accept", token: try await app.token("admin")).status == .ok)
        }
    }

    /// One vote per department, never on one's own demand, never by a registered member of the public.
    @Test func votesOncePerDepartmentAndNotOnOwnDemand() async throws {
        try await withDataBank { app in
            let requester = try await app.token("rsj_steward")
            let d = try await registered(app, token: requester)
            let voter = try await app.token("jtj_steward")
            let first = try await act(app, d, "vote", token: voter, ["note": "道路运输许可核查"])
            #expect(first.status == .ok)
            #expect(try first.decode(DemandInfo.self).votes == 1)
            #expect(try first.decode(DemandInfo.self).voters?.map(\.department) == [Self.transport])
            try expectError(try await act(app, d, "vote", token: voter), .conflict, "already_voted", field: "department")
            try expectError(try await act(app, d, "vote", token: requester), .conflict, "own_demand", field: "demand")
            let (_, key) = try await app.publicUser()
            #expect(try await act(app, d, "vote", token: key).status == .forbidden)
            #expect(try await notifications(app, Self.hr, "demand.voted").count == 1)
            #expect(try await notifications(app, Self.market, "demand.voted").count == 1)
        }
    }

    /// The provider answers a demand rather than votes for it: 409 `own_provision`, and its page offers no vote form.
    @Test func theProviderDoesNotVote() async throws {
        try await withDataBank { app in
            let d = try await registered(app, token: try await app.token("rsj_steward"))
            try expectError(try await act(app, d, "vote", token: try await app.token("scj_steward")), .conflict, "own_provision", field: "demand")
            let page = try await WebSession.signIn(app, "scj_steward").get("/demands/\(d.id?.uuidString ?? "")").body.string
            #expect(page.contains("data-testid=\"accept-form\"") && !page.contains("data-testid=\"vote-form\""))
            let after = try await app.send(.GET, "/api/v1/demands/\(d.id?.uuidString ?? "")", token: try await app.token("scj_steward"))
            #expect(try after.decode(DemandInfo.self).votes == 0)
        }
    }

    /// The answer is due a number of working days after registration; by the platform clock a pending
    /// demand falls overdue (listed with `?overdue=1`), while an accepted one is answered in time.
    @Test func dueInWorkingDaysAndOverdueByTheClock() async throws {
        try await withDataBank { app in
            let requester = try await app.token("rsj_steward")
            let late = try await registered(app, token: requester)
            let answered = try await registered(app, token: requester, title: "企业年度报告信息")
            #expect(try await act(app, answered, "accept", token: try await app.token("scj_steward")).status == .ok)
            let due = try #require(DateParsing.date(late.due))
            #expect(due == WorkingDays.add(Demands.answerDays, to: app.today))
            app.settings.now = { DemoTimeline.at(due.adding(days: 1), hour: 12) }
            let shown = try await app.send(.GET, "/api/v1/demands/\(late.id!.uuidString)", token: requester).decode(DemandInfo.self)
            #expect(shown.overdue)
            let overdue = try await app.send(.GET, "/api/v1/demands?overdue=1", token: requester).decode(DemandList.self)
            #expect(overdue.items.map(\.id) == [late.id])
        }
    }

    /// Unmet demand per provider and per theme, and the data authority's gap list (most departments first).
    @Test func countsPerProviderAndThemeAndTheGapList() async throws {
        try await withDataBank { app in
            let hr = try await app.token("rsj_steward")
            let a = try await registered(app, token: hr, title: "企业登记注册信息")
            let b = try await registered(app, token: hr, title: "企业年度报告信息")
            _ = try await registered(app, token: hr, title: "公交车辆实时定位", provider: Self.transport)
            let code = try #require(try await ResourceRow.query(on: app.db).filter(\.$name == "企业登记信息表").first()).code
            #expect(try await act(app, a, "fulfil", token: try await app.token("scj_steward"), ["resource": code]).status == .ok)
            #expect(try await act(app, b, "vote", token: try await app.token("jtj_steward")).status == .ok)
            let counts = try await app.send(.GET, "/api/v1/demands/counts", token: hr).decode(DemandsAPI.Counts.self)
            let market = try #require(counts.byProvider.first { $0.key == Self.market }?.counts)
            #expect(market == DemandCounts(pending: 1, fulfilled: 1, votes: 1))
            #expect(market.unmet == 1)
            #expect(counts.byProvider.first { $0.key == Self.transport }?.counts.unmet == 1)
            #expect(counts.byTheme.first { $0.key == "enterprise" }?.counts.total == 3)
            try #require(try await app.send(.GET, "/api/v1/demands/gaps", token: hr).status == .forbidden)
            let gaps = try await app.send(.GET, "/api/v1/demands/gaps", token: try await app.token("admin")).decode(DemandGapList.self)
            #expect(gaps.items.count == 2)
            #expect(gaps.items.first?.id == b.id)
            #expect(gaps.items.first?.departments == 2)
        }
    }

    /// Bad input on registration: each problem names its field.
    @Test func badInputOnRegistrationNamesTheField() async throws {
        try await withDataBank { app in
            let t = try await app.token("rsj_steward")
            try expectError(try await register(app, token: t, title: "  "), .unprocessableEntity, "title_required", field: "title")
            try expectError(try await register(app, token: t, provider: "999999999"), .unprocessableEntity, "unknown_provider", field: "provider")
            try expectError(try await register(app, token: t, provider: Self.hr), .unprocessableEntity, "own_department", field: "provider")
            try expectError(try await register(app, token: t, theme: "weather"), .unprocessableEntity, "invalid_theme", field: "theme")
            try expectError(
                try await register(app, token: t, extra: ["standards": AnyEncodable(["NO-SUCH-DE"])]), .unprocessableEntity, "unknown_standard",
                field: "standards")
            try expectError(
                try await register(app, token: t, extra: ["urgency": AnyEncodable("tomorrow")]), .unprocessableEntity, "invalid_urgency", field: "urgency")
            #expect(try await DemandRow.query(on: app.db).count() == 0)
        }
    }

    /// A registered member of the public registers a need for themselves and sees only their own.
    @Test func registeredUsersRegisterAndSeeOnlyTheirOwn() async throws {
        try await withDataBank { app in
            _ = try await registered(app, token: try await app.token("rsj_steward"))
            let (user, key) = try await app.publicUser()
            let mine = try await registered(app, token: key, title: "公交线路站点信息", provider: Self.transport)
            #expect(mine.requester == "user:\(try user.requireID().uuidString)")
            let list = try await app.send(.GET, "/api/v1/demands", token: key).decode(DemandList.self)
            #expect(list.items.map(\.id) == [mine.id])
            #expect(try await app.send(.GET, "/api/v1/demands/counts", token: key).status == .forbidden)
        }
    }

    /// The pages: the list with its filters and counts, the form (bad input shown again with the
    /// message, CSRF required), the demand's page with the provider's actions — in both languages.
    @Test func pagesRegisterListAndAnswer() async throws {
        try await withDataBank { app in
            var web = try await WebSession.signIn(app, "rsj_steward")
            let form = try await web.get("/demands/new?title=\(Escape.url("企业登记"))")
            #expect(form.status == .ok)
            #expect(form.body.string.contains("data-testid=\"suggestion\""))
            let bad = try await web.post("/demands", [("title", ""), ("reason", "核验"), ("items", "企业名称"), ("provider", Self.market)])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("data-testid=\"error-title\""))
            #expect(bad.body.string.contains("核验"))
            let noCSRF = try await web.request(.POST, "/demands", body: "title=x&reason=y&items=z")
            #expect(noCSRF.status == .forbidden)
            let ok = try await web.post(
                "/demands", [("title", "企业登记注册信息"), ("reason", "核验"), ("items", "企业名称"), ("provider", Self.market), ("urgency", "urgent")])
            #expect(ok.status == .seeOther)
            let location = try #require(ok.headers.first(name: .location))
            let page = try await web.get(location)
            #expect(page.body.string.contains("data-testid=\"demand-history\""))
            #expect(!page.body.string.contains("data-testid=\"accept-form\""))
            web.keep(page)
            let list = try await web.get("/demands?mine=1&lang=en")
            #expect(list.body.string.contains("Data demands"))
            #expect(list.body.string.contains("data-testid=\"counts-provider\""))

            let provider = try await WebSession.signIn(app, "scj_steward")
            let path = String(location.prefix { $0 != "?" })
            let theirs = try await provider.get(path)
            #expect(theirs.body.string.contains("data-testid=\"accept-form\""))
            let declined = try await provider.post(path + "/decline", [("reason", "")])
            #expect(declined.status == .unprocessableEntity)
            #expect(declined.body.string.contains("data-testid=\"error-reason\""))
            let accepted = try await provider.post(path + "/accept", [("note", "")])
            #expect(accepted.status == .seeOther)
            #expect(try await DemandRow.query(on: app.db).first()?.state == "accepted")
        }
    }

    /// The demo city's demands, on both databases: dated coherently — nothing answered before it was
    /// registered, nothing after now, votes counted — and what met one is its provider's resource.
    @Test func demoDemandsAreCoherent() async throws {
        try await withDataBank { app in
            try await DemoDemands.load(on: app.db)
            try await Self.expectCoherent(app)
        }
    }

    /// On the seed city (the demo's), about thirty demands in every state, some unassigned, some
    /// overdue, with votes: the pages and counts show real shapes.
    @Test func demoDemandsCoverEveryStateInTheSeedCity() async throws {
        try await withSeedCityInMemory { app in
            try await DemoDemands.load(on: app.db)
            let rows = try await DemandRow.query(on: app.db).all()
            #expect(rows.count == DemoDemands.specs.count)
            #expect(Set(rows.map(\.state)) == Set(DemandState.allCases.map(\.rawValue)))
            #expect(rows.contains { $0.providerCode == nil })
            #expect(rows.contains { $0.isOverdue(today: app.today) })
            #expect(rows.reduce(0) { $0 + $1.voteCount } >= 20)
            try await Self.expectCoherent(app)
        }
    }

    static func expectCoherent(_ app: Application) async throws {
        let rows = try await DemandRow.query(on: app.db).all()
        #expect(!rows.isEmpty)
        let now = Date()
        for r in rows {
            let created = try #require(r.createdAt)
            #expect(created <= now)
            #expect(created > now.addingTimeInterval(-370 * 86_400))
            if let answered = r.answeredAt { #expect(answered >= created, "\(r.title)") }
            let events = try await DemandEventRow.query(on: app.db).filter(\.$demandID == r.id!).all()
            #expect(events.allSatisfy { ($0.at ?? now) >= created && ($0.at ?? now) <= now }, "\(r.title)")
            #expect(events.count(where: { $0.action == "voted" }) == r.voteCount)
            if r.demandState == .fulfilled {
                let code = try #require(r.fulfilledResource)
                #expect(try await ResourceRow.query(on: app.db).filter(\.$code == code).first()?.departmentCode == r.providerCode)
            }
            if r.demandState == .declined { #expect(r.resolution != nil) }
        }
    }
}
