import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Federation: cross-node applications")
struct CrossNodeApplicationTests {
    /// A province department applies for a district resource: the application travels signed to the
    /// district, is filed there as an ordinary application of `node:guangdong/<dept>` (named with the
    /// node in the provider's inbox and notification), decided by the district's provider, and the
    /// province learns the decision; both ends audit the exchange under one request hash.
    @Test func aDepartmentAppliesAtAPeerAndLearnsTheDecision() async throws {
        try await TwoNodes.run { n in
            let applied = try await n.apply()
            #expect(applied.status == .created, "\(applied.body.string)")
            let info = try applied.decode(RemoteApplicationInfo.self)
            #expect(info.status == "pending" && info.node == "chancheng" && info.nodeName == "禅城区" && info.deadline != nil)
            let remote = try #require(info.remoteID)

            // At the district: an ordinary application whose consumer is the province's department.
            let row = try #require(try await ApplicationRow.find(UUID(uuidString: remote), on: n.owner.db))
            #expect(row.consumerCode == "node:guangdong/\(n.department)" && row.status == "pending" && row.applicantName == "guangdong/scj_steward")
            let provider = try await n.owner.token(n.atOwner.steward)
            let inbox = try await n.owner.send(.GET, "/sharing", token: provider)
            #expect(inbox.body.string.contains("广东省 · "), "the inbox names the node and the department")
            let notice = try #require(try await NotificationRow.query(on: n.owner.db).filter(\.$kind == "application").first())
            #expect(notice.text.hasPrefix("广东省 · "))

            try await n.approve(remote)
            let token = try await n.consumer.token(TwoNodes.steward)
            let synced = try await n.consumer.send(.POST, "/api/v1/federation/applications/\(info.id)/sync", token: token)
            let decided = try synced.decode(RemoteApplicationInfo.self)
            #expect(decided.status == "approved" && decided.grantState == "active" && decided.grantedItems?.count == n.grantedItems.count)
            let told = try await NotificationRow.query(on: n.consumer.db).filter(\.$departmentCode == n.department).filter(\.$kind == "decision").all()
            #expect(told.contains { $0.text.contains("已批准") })
            let listed = try await n.consumer.send(.GET, "/api/v1/federation/applications", token: token).decode(ListPageAnswer<RemoteApplicationInfo>.self)
            #expect(listed.items.map(\.id) == [info.id])
            let page = try await n.consumer.send(.GET, "/sharing", token: token).body.string
            #expect(page.contains("remote-applications") && page.contains("禅城区"), "the department's inbox lists it")

            let sent = try await n.audit(n.consumer, "federation.application.send")
            let received = try await n.audit(n.owner, "federation.application")
            #expect(sent.count == 1 && sent == received)
            #expect(try await n.audit(n.consumer, "federation.application.sync") == n.audit(n.owner, "federation.application.state"))
        }
    }

    /// The owner's refusals reach the applicant as the owner gave them (status, code, field), and
    /// nothing is kept: an unknown resource, a resource not shared, an invalid field; an unregistered
    /// node is refused here.
    @Test func theOwnersRefusalsAreRelayedWithTheirFields() async throws {
        try await TwoNodes.run { n in
            let unknown = try await n.apply(resource: "no-such-resource")
            #expect(unknown.status == .notFound)
            #expect(try unknown.errorBody().code == "not_found")

            let badDate = try await n.apply(validUntil: "someday")
            #expect(badDate.status == .badRequest)
            #expect(try badDate.errorBody().details.first?.field == "validUntil")

            let noPurpose = try await n.apply(purpose: " ")
            #expect(noPurpose.status == .unprocessableEntity, "\(noPurpose.body.string)")
            #expect(try noPurpose.errorBody().details.contains { $0.field == "purpose" })

            let resource = try #require(try await ResourceRow.query(on: n.owner.db).filter(\.$code == n.atOwner.code).first())
            resource.sharingType = SharingType.none.rawValue
            try await resource.save(on: n.owner.db)
            let closed = try await n.apply()
            #expect(closed.status == .forbidden)
            #expect(try closed.errorBody().code == "not_shareable")

            let stranger = try await n.apply(node: "shunde")
            #expect(stranger.status == .unprocessableEntity)
            #expect(try stranger.errorBody().details.first?.field == "node")

            #expect(try await FederationApplicationRow.query(on: n.consumer.db).count() == 0)
            #expect(try await ApplicationRow.query(on: n.owner.db).count() == 0)
            #expect(try await n.audit(n.owner, "federation.application.refused").count == 4)
        }
    }

    /// The owner unreachable: the application is queued (202), retried later, delivered once the owner
    /// answers; a delivery repeated after a lost answer files nothing twice.
    @Test func anUnreachableOwnerQueuesTheApplicationUntilItAnswers() async throws {
        try await TwoNodes.run(registerOwnerAt: { _ in "http://127.0.0.1:9" }) { n in
            let applied = try await n.apply()
            #expect(applied.status == .accepted, "\(applied.body.string)")
            let queued = try applied.decode(RemoteApplicationInfo.self)
            #expect(queued.status == "queued" && queued.attempts == 1 && queued.lastError != nil && queued.nextAttemptAt != nil)
            #expect(try await ApplicationRow.query(on: n.owner.db).count() == 0)

            // The owner's address corrected (removed and registered again): the next attempt delivers.
            let admin = try await n.consumer.token("admin")
            #expect(try await n.consumer.send(.DELETE, "/api/v1/federation/peers/chancheng", token: admin).status == .noContent)
            try await registerPeer(n.consumer, code: "chancheng", name: "禅城区", region: "440604", relation: "peer", url: n.ownerURL, key: n.ownerKey)
            let token = try await n.consumer.token(TwoNodes.steward)
            let delivered = try await n.consumer.send(.POST, "/api/v1/federation/applications/\(queued.id)/sync", token: token)
            #expect(try delivered.decode(RemoteApplicationInfo.self).status == "pending", "\(delivered.body.string)")

            // Its answer lost: delivered again, filed once.
            try await n.consumer.db.sql.raw("UPDATE federation_applications SET status = 'queued'").run()
            let again = try await n.consumer.send(.POST, "/api/v1/federation/applications/\(queued.id)/sync", token: token)
            #expect(try again.decode(RemoteApplicationInfo.self).status == "pending")
            #expect(try await ApplicationRow.query(on: n.owner.db).count() == 1)
        }
    }

    /// The worker delivers a queued application when it is due and later learns the decision.
    @Test func theWorkerDeliversAndFollowsTheDecision() async throws {
        try await TwoNodes.run(registerOwnerAt: { _ in "http://127.0.0.1:9" }) { n in
            let queued = try await n.apply().decode(RemoteApplicationInfo.self)
            let admin = try await n.consumer.token("admin")
            _ = try await n.consumer.send(.DELETE, "/api/v1/federation/peers/chancheng", token: admin)
            try await registerPeer(n.consumer, code: "chancheng", name: "禅城区", region: "440604", relation: "peer", url: n.ownerURL, key: n.ownerKey)
            // Not due yet: nothing happens.
            #expect(try await RemoteApplications.workDue(app: n.consumer) == false)
            try await n.consumer.db.sql.raw("UPDATE federation_applications SET next_attempt_at = NULL").run()
            #expect(try await RemoteApplications.workDue(app: n.consumer))
            let row = try #require(try await FederationApplicationRow.find(queued.id, on: n.consumer.db))
            #expect(row.status == "pending")
            try await n.approve(try #require(row.remoteID))
            try await n.consumer.db.sql.raw("UPDATE federation_applications SET synced_at = NULL").run()
            #expect(try await RemoteApplications.workDue(app: n.consumer))
            #expect(try await FederationApplicationRow.find(queued.id, on: n.consumer.db)?.status == "approved")
        }
    }
}

@Suite("Federation: node traffic and the open-data meter")
struct NodeTrafficMeterTests {
    /// A peer's signed requests (a relay's pages, a pull's) are not open-data calls: more of them than the
    /// anonymous per-minute limit all pass.
    @Test func signedNodeRequestsAreNotMeteredAsAnonymousCalls() async throws {
        try await withDataBank(adjust: {
            loopbackPeers(&$0)
            $0.anonymousCallsPerMinute = 5
        }) { app in
            let peer = try await PeerFixture.make(app)
            for _ in 0..<10 {
                let (answer, _) = try await peer.signed(app, .GET, "/api/v1/federation/ping")
                #expect(answer.status == .ok)
            }
        }
    }
}
