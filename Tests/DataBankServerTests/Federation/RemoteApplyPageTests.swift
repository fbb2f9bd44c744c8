import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Applying at another node from the web: the federated catalog's entry links to a form, which sends the
/// application signed to the owner as the API does; the connector form offers the relay's fields.
@Suite("Federation: applying at another node from the web")
struct RemoteApplyPageTests {
    /// The owner's resource as the consumer's catalog received it (from the city, say).
    static func received(_ n: TwoNodes, origin: String = "chancheng", originName: String = "禅城区", originNameEn: String? = nil) async throws -> String {
        let row = try #require(
            try await n.owner.db.sql.raw("SELECT name, snapshot FROM resources WHERE code = \(bind: n.atOwner.code)").first())
        let entry = CatalogFeedEntry(
            origin: origin, originName: originName, originNameEn: originNameEn, originRegion: "440604", code: n.atOwner.code, status: "published",
            departmentName: "禅城区市场监督管理局", snapshot: try row.decode(column: "snapshot", as: String.self), seq: 3)
        try await CatalogPull.apply([entry], via: "foshan", me: "guangdong", now: n.consumer.settings.now(), on: n.consumer.db)
        return try row.decode(column: "name", as: String.self)
    }

    static func query(_ name: String) -> String {
        "/catalog?q=" + (name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name)
    }

    static func fields(_ n: TwoNodes, purpose: String = "跨区企业监管") -> [(String, String)] {
        var fields: [(String, String)] = [("purpose", purpose), ("legalBasis", "《企业信息公示暂行条例》"), ("validUntil", "2027-06-30")]
        for item in n.grantedItems { fields.append(("items", item)); fields.append(("mask.\(item)", "clear")) }
        if let text = n.atOwner.textColumn { fields.append(("mask.\(text.name)", "mask:name")) }
        fields.append(("unmaskReason", "跨区企业监管须核对原值"))
        return fields
    }

    @Test func aFederatedEntryLinksToAFormWhoseApplicationIsFiledAtTheOwner() async throws {
        try await TwoNodes.run { n in
            let name = try await Self.received(n)
            let web = try await WebSession.signIn(n.consumer, TwoNodes.steward)
            let link = "/federation/chancheng/resources/\(n.atOwner.code)/apply"
            let catalog = try await web.get(Self.query(name)).body.string
            #expect(catalog.contains("data-testid=\"federated-apply\"") && catalog.contains(link), "the card offers the form")
            let form = try await web.get(link)
            #expect(form.status == .ok)
            let html = form.body.string
            #expect(html.contains("remote-apply-form") && html.contains("禅城区") && html.contains("scope-items"))
            for column in n.atOwner.layout.columns { #expect(html.contains("item-\(column.name)"), "item \(column.name) listed") }
            #expect(try await web.get(link + "?lang=en").body.string.contains("Apply at 禅城区"))

            let sent = try await web.post(link, Self.fields(n))
            #expect(sent.status == .seeOther, "\(sent.body.string)")
            #expect(sent.headers.first(name: .location) == "/sharing?done=remote-sent#remote")
            let local = try #require(try await FederationApplicationRow.query(on: n.consumer.db).first())
            #expect(local.status == "pending" && local.resourceName == name)
            let remoteID = try #require(local.remoteID.flatMap(UUID.init(uuidString:)))
            let filed = try #require(try await ApplicationRow.find(remoteID, on: n.owner.db))
            #expect(filed.consumerCode == "node:guangdong/\(n.department)" && filed.purpose == "跨区企业监管")
            let inbox = try await web.get("/sharing?done=remote-sent").body.string
            #expect(inbox.contains("申请已送达对端节点") && inbox.contains("remote-applications"))
        }
    }

    /// The owner's refusal (here its rule that a purpose is given) comes back at its field, the form
    /// keeps what was typed, and nothing is kept at either node.
    @Test func theOwnersRefusalIsShownAtItsFieldAndNothingIsKept() async throws {
        try await TwoNodes.run { n in
            _ = try await Self.received(n)
            let web = try await WebSession.signIn(n.consumer, TwoNodes.steward)
            let link = "/federation/chancheng/resources/\(n.atOwner.code)/apply"
            var fields = Self.fields(n, purpose: "")
            fields.removeAll { $0.0 == "validUntil" }
            fields.append(("validUntil", "2019-01-01"))
            let refused = try await web.post(link, fields)
            #expect(refused.status == .unprocessableEntity, "\(refused.body.string.prefix(300))")
            let html = refused.body.string
            #expect(html.contains("error-summary") && html.contains("remote-apply-form") && html.contains("跨区企业监管须核对原值"))
            #expect(try await FederationApplicationRow.query(on: n.consumer.db).count() == 0)
            #expect(try await ApplicationRow.query(on: n.owner.db).count() == 0)
        }
    }

    /// An entry whose node this node has not registered has no apply button, and its form says why;
    /// an entry never received is not found.
    @Test func anEntryOfAnUnregisteredNodeCannotBeAppliedFor() async throws {
        try await TwoNodes.run { n in
            let name = try await Self.received(n, origin: "nanhai", originName: "南海区")
            let web = try await WebSession.signIn(n.consumer, TwoNodes.steward)
            let catalog = try await web.get(Self.query(name)).body.string
            #expect(catalog.contains("南海区") && !catalog.contains("federated-apply"))
            let form = try await web.get("/federation/nanhai/resources/\(n.atOwner.code)/apply").body.string
            #expect(form.contains("peer-not-registered") && !form.contains("remote-apply-form"))
            #expect(try await web.get("/federation/chancheng/resources/\(n.atOwner.code)/apply").status == .notFound)
            let viewer = try await WebSession.signIn(n.consumer, "viewer")
            #expect(try await viewer.get("/federation/nanhai/resources/\(n.atOwner.code)/apply").status == .forbidden)
        }
    }

    /// The connector form offers the relay kind: the registered peers, the department's active grants
    /// there, and a relay saved from it reads the peer's feed.
    @Test func theConnectorFormCreatesARelayFromTheDepartmentsGrant() async throws {
        try await TwoNodes.run { n in
            _ = try await n.granted()
            let web = try await WebSession.signIn(n.consumer, TwoNodes.steward)
            let form = try await web.get("/connectors/new").body.string
            #expect(form.contains("src-databank") && form.contains("禅城区（chancheng）") && form.contains("relay-grants"))
            #expect(form.contains(n.atOwner.code))
            let saved = try await web.post(
                "/connectors/new",
                [
                    ("action", "save"), ("code", "relay-web"), ("name", "禅城区企业登记转接"), ("resource", n.atConsumer.code), ("source.kind", "databank"),
                    ("source.node", "chancheng"), ("source.resource", n.atOwner.code), ("source.pageSize", "500"), ("mapping", ""),
                    ("schedule", "every 5 minutes"), ("mode", "incremental"), ("watermarkColumn", ""), ("maxFailures", "5")
                ])
            #expect(saved.status == .seeOther, "\(saved.body.string.prefix(500))")
            let row = try #require(try await ConnectorRow.query(on: n.consumer.db).filter(\.$code == "relay-web").first())
            let source = try row.sourceSettings
            #expect(source.kind == "databank" && source.node == "chancheng" && source.resource == n.atOwner.code && source.pageSize == 500)
            #expect(row.watermarkColumn == DataBankSource.watermarkColumn)
            let run = try await n.run("relay-web")
            #expect(run.status == "succeeded", "\(run)")
            // A page size out of range comes back at its field.
            let wrong = try await web.post(
                "/connectors/new",
                [
                    ("action", "save"), ("code", "relay-bad"), ("name", "x"), ("resource", n.atConsumer.code), ("source.kind", "databank"),
                    ("source.node", ""), ("source.resource", n.atOwner.code), ("source.pageSize", "many"), ("schedule", "every 5 minutes"),
                    ("mode", "incremental")
                ])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("每页变更数") && wrong.body.string.contains("对端节点"))
        }
    }

    /// A node's English name, given when it was registered or sent with its catalog, names it on English
    /// pages: the catalog's card, the apply form, the relay's node choice, the inbox's cross-node list.
    @Test func englishPagesNameNodesByTheirEnglishNames() async throws {
        try await TwoNodes.run { n in
            let peer = try #require(try await FederationNodes.peer("chancheng", on: n.consumer.db))
            peer.nameEn = "Chancheng District"
            try await peer.save(on: n.consumer.db)
            let name = try await Self.received(n, originNameEn: "Chancheng District")
            let web = try await WebSession.signIn(n.consumer, TwoNodes.steward)
            let catalog = try await web.get(Self.query(name) + "&lang=en").body.string
            #expect(catalog.contains("Apply at Chancheng District") && catalog.contains("Read-only · from Chancheng District"))
            #expect(try await web.get(Self.query(name)).body.string.contains("向禅城区申请使用"), "Chinese pages keep the Chinese name")
            let link = "/federation/chancheng/resources/\(n.atOwner.code)/apply"
            #expect(try await web.get(link + "?lang=en").body.string.contains("Apply at Chancheng District"))
            #expect(try await web.get("/connectors/new?lang=en").body.string.contains("Chancheng District (chancheng)"))
            #expect(try await web.post(link, Self.fields(n)).status == .seeOther)
            #expect(try await web.get("/sharing?lang=en").body.string.contains("Chancheng District"))
        }
    }
}
