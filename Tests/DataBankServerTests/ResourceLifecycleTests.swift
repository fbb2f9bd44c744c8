import DataBankCore
@testable import DataBankServer
import Testing
import VaporTesting

@Suite("Resource lifecycle")
struct ResourceLifecycleTests {
    struct Step: Encodable, Sendable { var action: String; var reason: String? = nil }

    /// A steward registers a draft; it goes through review and notice into the public catalog.
    @Test func draftToPublished() async throws {
        try await withDataBank { app in
            let steward = try await app.token("scj_steward"), reviewer = try await app.token("reviewer"), admin = try await app.token("admin")
            let created = try await app.send(.POST, "/api/v1/resources", token: steward, json: try await sampleResource(app))
            #expect(created.status == .created)
            #expect(try created.decode(ResourceDetail.self).status == "draft")
            #expect(try await app.send(.GET, "/api/v1/resources/301001-09001").status == .notFound)  // a draft is unknown to the public
            #expect(try await app.send(.POST, "/api/v1/resources/301001-09001/transitions", token: steward, json: Step(action: "submit")).status == .ok)
            let approved = try await app.send(.POST, "/api/v1/resources/301001-09001/transitions", token: reviewer, json: Step(action: "approve"))
            #expect(try approved.decode(ResourceDetail.self).status == "notice")
            // The notice period has not run out: a reviewer may not publish yet; the platform admin may.
            let early = try await app.send(.POST, "/api/v1/resources/301001-09001/transitions", token: reviewer, json: Step(action: "publish"))
            #expect(try early.errorBody().code == "notice_period")
            let published = try await app.send(.POST, "/api/v1/resources/301001-09001/transitions", token: admin, json: Step(action: "publish"))
            let detail = try published.decode(ResourceDetail.self)
            #expect(detail.status == "published")
            #expect(detail.publishedRevision == 1)
            #expect(detail.resource.publishDate != nil)
            let anonymous = try await app.send(.GET, "/api/v1/resources/301001-09001")
            #expect(anonymous.status == .ok)
            let found = try await app.send(.GET, "/api/v1/resources?q=年报信息").decode(SearchPage.self)
            #expect(found.items.contains { $0.code == "301001-09001" })
            let history = try await app.send(.GET, "/api/v1/resources/301001-09001/transitions", token: admin).decode(ListPage<ResourceAPI.TransitionView>.self)
            #expect(history.items.map(\.action) == ["publish", "approve", "submit"])
        }
    }

    /// A transition the flow does not allow is refused with the allowed ones named.
    @Test func invalidTransitionIsRefused() async throws {
        try await withDataBank { app in
            let steward = try await app.token("scj_steward"), admin = try await app.token("admin")
            _ = try await app.send(.POST, "/api/v1/resources", token: steward, json: try await sampleResource(app))
            let res = try await app.send(.POST, "/api/v1/resources/301001-09001/transitions", token: admin, json: Step(action: "publish"))
            #expect(res.status == .conflict)
            let error = try res.errorBody()
            #expect(error.code == "invalid_transition")
            #expect(error.message.contains("submit"))
            let unknown = try await app.send(.POST, "/api/v1/resources/301001-09001/transitions", token: admin, json: Step(action: "teleport"))
            #expect(try unknown.errorBody().code == "invalid_action")
        }
    }

    /// Returning a submission needs a reason, and the reason is recorded.
    @Test func rejectNeedsReason() async throws {
        try await withDataBank { app in
            let steward = try await app.token("scj_steward"), reviewer = try await app.token("reviewer")
            _ = try await app.send(.POST, "/api/v1/resources", token: steward, json: try await sampleResource(app))
            _ = try await app.send(.POST, "/api/v1/resources/301001-09001/transitions", token: steward, json: Step(action: "submit"))
            let bare = try await app.send(.POST, "/api/v1/resources/301001-09001/transitions", token: reviewer, json: Step(action: "reject"))
            #expect(bare.status == .unprocessableEntity)
            #expect(try bare.errorBody().details.first?.field == "reason")
            let ok = try await app.send(.POST, "/api/v1/resources/301001-09001/transitions", token: reviewer, json: Step(action: "reject", reason: "摘要不完整"))
            #expect(try ok.decode(ResourceDetail.self).status == "draft")
            let history = try await app.send(.GET, "/api/v1/resources/301001-09001/transitions", token: steward).decode(ListPage<ResourceAPI.TransitionView>.self)
            #expect(history.items.first?.reason == "摘要不完整")
        }
    }

    /// A change (变更) opens revision 2; the catalog keeps showing revision 1 until the change is published.
    @Test func changeRequestKeepsPublishedRevision() async throws {
        try await withDataBank { app in
            let steward = try await app.token("scj_steward"), admin = try await app.token("admin")
            let published = try #require(try await app.send(.GET, "/api/v1/resources?q=企业登记信息表").decode(SearchPage.self).items.first)
            let path = "/api/v1/resources/\(published.code)"
            let change = try await app.send(.POST, "\(path)/transitions", token: steward, json: Step(action: "requestChange", reason: "新增字段"))
            let detail = try change.decode(ResourceDetail.self)
            #expect(detail.status == "changeRequested")
            #expect(detail.workingRevision == 2)
            var edited = try #require(detail.working)
            edited.abstract = "更新后的摘要：含年报信息"
            let saved = try await app.send(.PUT, path, token: steward, json: ResourceAPI.UpdateBody(version: detail.version, resource: edited))
            #expect(saved.status == .ok)
            let publicView = try await app.send(.GET, path).decode(ResourceDetail.self)
            #expect(publicView.resource.abstract != edited.abstract)
            #expect(publicView.working == nil)
            let diff = try await app.send(.GET, "\(path)/diff", token: steward).decode(ResourceAPI.DiffView.self)
            #expect(diff.changes.map(\.path) == ["abstract"])
            for step in ["submit", "approve", "publish"] {
                #expect(try await app.send(.POST, "\(path)/transitions", token: admin, json: Step(action: step)).status == .ok)
            }
            let after = try await app.send(.GET, path).decode(ResourceDetail.self)
            #expect(after.resource.abstract == edited.abstract)
            #expect(after.publishedRevision == 2)
            let revisions = try await app.send(.GET, "\(path)/revisions").decode(ListPage<ResourceAPI.RevisionView>.self)
            #expect(revisions.items.map(\.number) == [2, 1])
        }
    }

    /// Comments can be left during the public notice and are listed to signed-in users.
    @Test func commentsDuringNotice() async throws {
        try await withDataBank { app in
            let steward = try await app.token("scj_steward")
            _ = try await app.send(.POST, "/api/v1/resources", token: steward, json: try await sampleResource(app))
            struct Body: Encodable, Sendable { var body: String }
            #expect(try await app.send(.POST, "/api/v1/resources/301001-09001/comments", json: Body(body: "x")).status == .unauthorized)
            let res = try await app.send(.POST, "/api/v1/resources/301001-09001/comments", token: steward, json: Body(body: "请补充更新频率说明"))
            #expect(res.status == .created)
            let list = try await app.send(.GET, "/api/v1/resources/301001-09001/comments", token: steward).decode(ListPage<ResourceAPI.CommentView>.self)
            #expect(list.items.map(\.body) == ["请补充更新频率说明"])
        }
    }
}
