import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Federation: the relay (a DataBank change-feed connector)")
struct RelayConnectorTests {
    /// Granted at the district, the province relays the records into its own store: only the granted
    /// items, the masked one masked; an update and a delete at the district arrive as such; every page is
    /// audited at both ends under one request hash.
    @Test func grantedRecordsAreRelayedWithUpdatesAndDeletes() async throws {
        try await TwoNodes.run { n in
            let provider = try await n.owner.token(n.atOwner.steward)
            _ = try await n.owner.loadCSV(n.atOwner, n.atOwner.csv(rows: 0..<5), token: provider)
            #expect(try await n.granted().status == "approved")
            try await n.relayConnector()
            let before = try await n.relayed()

            let first = try await n.run()
            #expect(first.status == "succeeded" && first.rowsRead == 5 && first.inserted + first.updated == 5, "\(first.error ?? "")")
            #expect(first.watermarkAfter?.hasPrefix("chancheng:\(n.atOwner.code):") == true)
            let text = try #require(n.atOwner.textColumn)
            var records = try await n.relayed()
            let one = try #require(records[n.atOwner.key(1)])
            #expect(one[text.name]?.text.contains("*") == true, "the masked item stays masked")
            if let other = n.notGranted {
                #expect(one[other.name] == nil || one[other.name] == .null, "an item not granted never leaves the district")
            }

            // Nothing new: the run reads nothing.
            #expect(try await n.run().rowsRead == 0)

            // An update, a delete and a new record at the district.
            _ = try await n.owner.loadCSV(n.atOwner, n.atOwner.csv(rows: 0..<1, variant: 7), token: provider)
            let gone = n.atOwner.key(2)
            #expect(try await n.owner.send(.DELETE, "/api/v1/resources/\(n.atOwner.code)/records/\(gone)", token: provider).status == .noContent)
            _ = try await n.owner.loadCSV(n.atOwner, n.atOwner.csv(rows: 5..<6), token: provider)
            let second = try await n.run()
            #expect(second.status == "succeeded" && second.rowsRead == 3, "\(second.error ?? "")")
            records = try await n.relayed()
            #expect(records[gone] == nil)
            #expect(records[n.atOwner.key(5)] != nil)
            #expect(records.count == Set(before.keys).union((0..<6).map(n.atOwner.key)).subtracting([gone]).count)

            // A replace at the district: the province holds exactly the new set.
            _ = try await n.owner.loadCSV(n.atOwner, n.atOwner.csv(rows: 10..<13), mode: "replace", token: provider)
            #expect(try await n.run().status == "succeeded")
            records = try await n.relayed()
            #expect(Set(records.keys) == Set((10..<13).map(n.atOwner.key)))

            let pulled = try await n.audit(n.consumer, "federation.records.pull")
            let served = try await n.audit(n.owner, "federation.records")
            #expect(!pulled.isEmpty && pulled == served)
        }
    }

    /// No grant, or a revoked one: 403 at the district, a failed run at the province naming it, nothing applied.
    @Test func aRelaysPageShowsNoSecretRow() async throws {
        try await TwoNodes.run { n in
            _ = try await n.granted()
            try await n.relayConnector()
            let page = try await n.consumer.send(.GET, "/connectors/relay-reg", token: try await n.consumer.token(TwoNodes.steward)).body.string
            #expect(page.contains("其他节点（转接）"), "the relay's page")
            #expect(!page.contains("密码或令牌"), "a relay signs as its node: no password or token to show")
        }
    }

    @Test func noGrantOrARevokedGrantFailsTheRun() async throws {
        try await TwoNodes.run { n in
            let provider = try await n.owner.token(n.atOwner.steward)
            _ = try await n.owner.loadCSV(n.atOwner, n.atOwner.csv(rows: 0..<3), token: provider)
            try await n.relayConnector()
            let refused = try await n.run()
            #expect(refused.status == "failed" && refused.error?.contains("no active grant") == true, "\(refused.error ?? "")")
            #expect(try await n.audit(n.owner, "federation.records.refused").count == 1)

            let info = try await n.granted()
            #expect(try await n.run().status == "succeeded")
            let grant = try #require(try await GrantRow.query(on: n.owner.db).filter(\.$applicationID == UUID(uuidString: info.remoteID!)!).first())
            let revoked = try await n.owner.send(.POST, "/api/v1/grants/\(grant.id!)/revoke", token: provider, json: ["reason": "用途已结束"])
            #expect(revoked.status == .ok)
            _ = try await n.owner.loadCSV(n.atOwner, n.atOwner.csv(rows: 3..<4), token: provider)
            let after = try await n.run()
            #expect(after.status == "failed" && after.error?.contains("no active grant") == true)
            #expect(try await n.relayed()[n.atOwner.key(3)] == nil)
            // The province learns the revocation too.
            let token = try await n.consumer.token(TwoNodes.steward)
            let synced = try await n.consumer.send(.POST, "/api/v1/federation/applications/\(info.id)/sync", token: token)
            #expect(try synced.decode(RemoteApplicationInfo.self).grantState == "revoked")
        }
    }

    /// A cursor from the future or from another store: a clear error, the run fails, nothing applied.
    @Test func aCursorFromTheFutureOrAnotherStoreFailsTheRun() async throws {
        try await TwoNodes.run { n in
            let provider = try await n.owner.token(n.atOwner.steward)
            _ = try await n.owner.loadCSV(n.atOwner, n.atOwner.csv(rows: 0..<3), token: provider)
            _ = try await n.granted()
            try await n.relayConnector()
            let before = try await n.relayed()
            for (cursor, code) in [("chancheng:\(n.atOwner.code):999999", "cursor"), ("chancheng:other-store:1", "another node or store")] {
                try await n.consumer.db.sql.raw("UPDATE connectors SET watermark = \(bind: cursor), watermark_type = 'cursor'").run()
                let run = try await n.run()
                #expect(run.status == "failed" && run.error?.contains(code) == true, "\(run.error ?? "")")
            }
            #expect(try await n.relayed() == before)
        }
    }

    /// The district down: the run fails (the connectors' backoff schedules the next), and once it is back
    /// the relay resumes from its watermark: every record once.
    @Test func anOwnerOutageFailsTheRunAndTheRelayResumes() async throws {
        try await TwoNodes.run { n in
            let provider = try await n.owner.token(n.atOwner.steward)
            _ = try await n.owner.loadCSV(n.atOwner, n.atOwner.csv(rows: 0..<3), token: provider)
            _ = try await n.granted()
            try await n.relayConnector()
            #expect(try await n.run().inserted + 0 >= 0)
            _ = try await n.owner.loadCSV(n.atOwner, n.atOwner.csv(rows: 3..<5), token: provider)
            let admin = try await n.consumer.token("admin")
            _ = try await n.consumer.send(.DELETE, "/api/v1/federation/peers/chancheng", token: admin)
            try await registerPeer(n.consumer, code: "chancheng", name: "禅城区", region: "440604", relation: "peer", url: "http://127.0.0.1:9", key: n.ownerKey)
            let down = try await n.run()
            #expect(down.status == "failed" && down.error?.contains("did not answer") == true, "\(down.error ?? "")")
            let connector = try #require(try await ConnectorRow.query(on: n.consumer.db).first())
            #expect(connector.failures == 1 && connector.nextRunAt > n.consumer.settings.now())

            _ = try await n.consumer.send(.DELETE, "/api/v1/federation/peers/chancheng", token: admin)
            try await registerPeer(n.consumer, code: "chancheng", name: "禅城区", region: "440604", relation: "peer", url: n.ownerURL, key: n.ownerKey)
            let back = try await n.run()
            #expect(back.status == "succeeded" && back.rowsRead == 2, "\(back.error ?? "")")
            let records = try await n.relayed()
            #expect((0..<5).allSatisfy { records[n.atOwner.key($0)] != nil })
        }
    }

    /// A databank source's settings are checked: the node and the resource, the mode, the department.
    @Test func aRelaysSettingsAreChecked() async throws {
        try await TwoNodes.run { n in
            let body = ConnectorBody(
                code: "relay-bad", name: "转接", resource: n.atConsumer.code, source: .init(kind: "databank", table: "reg", department: "other"),
                schedule: "every 5 minutes", mode: "replace")
            let res = try await n.consumer.send(.POST, "/api/v1/connectors", token: try await n.consumer.token(TwoNodes.steward), json: body)
            #expect(res.status == .unprocessableEntity)
            let fields = Set(try res.errorBody().details.map(\.field))
            #expect(fields.isSuperset(of: ["source.node", "source.resource", "source.department", "source.table", "mode"]), "\(fields)")
        }
    }
}
