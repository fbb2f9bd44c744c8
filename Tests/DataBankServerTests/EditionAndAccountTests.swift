import DataBankCore
@testable import DataBankServer
import Fluent
import Testing
import VaporTesting

@Suite("Editions and accounts")
struct EditionAndAccountTests {
    struct Step: Encodable, Sendable { var action: String; var reason: String? = nil }
    struct EditionBody: Encodable, Sendable { var year: Int; var phase: Int }

    /// An edition freezes the published catalog; a diff between two lists added, changed (by field) and retired resources.
    @Test func editionDiff() async throws {
        try await withDataBank { app in
            let admin = try await app.token("admin")
            let catalog = try await app.send(.GET, "/api/v1/resources?limit=200&sort=code", token: admin).decode(SearchPage.self)
            let published = catalog.items.filter { $0.status == "published" }
            let first = try await app.send(.POST, "/api/v1/editions", token: admin, json: EditionBody(year: 2017, phase: 1))
            #expect(first.status == .created)
            // Change one resource, retire another, publish a new one.
            let changed = published[0].code, retired = published[1].code
            let detail = try await app.send(.POST, "/api/v1/resources/\(changed)/transitions", token: admin, json: Step(action: "requestChange", reason: "更新")).decode(ResourceDetail.self)
            var edited = detail.working!
            edited.updateCycle = edited.updateCycle == .daily ? .weekly : .daily
            _ = try await app.send(.PUT, "/api/v1/resources/\(changed)", token: admin, json: ResourceAPI.UpdateBody(version: detail.version, resource: edited))
            for s in ["submit", "approve", "publish"] { _ = try await app.send(.POST, "/api/v1/resources/\(changed)/transitions", token: admin, json: Step(action: s)) }
            _ = try await app.send(.POST, "/api/v1/resources/\(retired)/transitions", token: admin, json: Step(action: "retire", reason: "停止采集"))
            _ = try await app.send(.POST, "/api/v1/resources", token: admin, json: try await sampleResource(app))
            for s in ["submit", "approve", "publish"] { _ = try await app.send(.POST, "/api/v1/resources/301001-09001/transitions", token: admin, json: Step(action: s)) }
            #expect(try await app.send(.POST, "/api/v1/editions", token: admin, json: EditionBody(year: 2017, phase: 2)).status == .created)

            let diff = try await app.send(.GET, "/api/v1/editions/2017-1/diff/2017-2").decode(EditionDiff.self)
            #expect(diff.added.map(\.code) == ["301001-09001"])
            #expect(diff.retired.map(\.code) == [retired])
            #expect(diff.changed.map(\.code) == [changed])
            #expect(diff.changed.first?.changes.map(\.path) == ["updateCycle"])
        }
    }

    /// Creating the same edition twice is a 409.
    @Test func duplicateEdition() async throws {
        try await withDataBank { app in
            let admin = try await app.token("admin")
            _ = try await app.send(.POST, "/api/v1/editions", token: admin, json: EditionBody(year: 2018, phase: 1))
            let again = try await app.send(.POST, "/api/v1/editions", token: admin, json: EditionBody(year: 2018, phase: 1))
            #expect(try again.errorBody().code == "duplicate_edition")
        }
    }

    /// A token is shown once and stored only as a hash.
    @Test func tokensAreStoredHashed() async throws {
        try await withDataBank { app in
            let token = try await app.token("viewer")
            let res = try await app.send(.POST, "/api/v1/tokens", token: token)
            let view = try res.decode(AccountAPI.TokenView.self)
            let plain = try #require(view.token)
            let stored = try await UserToken.query(on: app.db).all().map(\.tokenHash)
            #expect(!stored.contains(plain))
            #expect(stored.contains(UserToken.hash(plain)))
            let list = try await app.send(.GET, "/api/v1/tokens", token: plain).decode(ListPage<AccountAPI.TokenView>.self)
            #expect(list.items.allSatisfy { $0.token == nil })
        }
    }

    /// Passwords are stored with bcrypt and checked on sign-in.
    @Test func passwordsUseBcrypt() async throws {
        try await withDataBank { app in
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "admin").first())
            #expect(user.passwordHash.hasPrefix("$2"))
            #expect(try await Accounts.signIn(username: "admin", password: "databank-demo", on: app.db) != nil)
            #expect(try await Accounts.signIn(username: "admin", password: "wrong-password", on: app.db) == nil)
        }
    }

    /// The health check answers and every response carries its request id.
    @Test func healthAndRequestID() async throws {
        try await withDataBank { app in
            let res = try await app.send(.GET, "/healthz")
            #expect(res.status == .ok)
            #expect(res.headers.first(name: "X-Request-Id")?.isEmpty == false)
        }
    }

    /// Departments and standards are listed with totals; a standard shows how many resources use it.
    @Test func directoryLists() async throws {
        try await withDataBank { app in
            let depts = try await app.send(.GET, "/api/v1/departments").decode(ListPage<DepartmentView>.self)
            #expect(depts.total == depts.items.count && depts.total > 5)
            #expect(depts.facets["level"]?.isEmpty == false)
            let standards = try await app.send(.GET, "/api/v1/standards?q=统一社会信用代码").decode(ListPage<ItemStandard>.self)
            let code = try #require(standards.items.first?.code)
            let one = try await app.send(.GET, "/api/v1/standards/\(code)").decode(StandardView.self)
            #expect((one.usedBy ?? 0) > 0)
        }
    }
}
