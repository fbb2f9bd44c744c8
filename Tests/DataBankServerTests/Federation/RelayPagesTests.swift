import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Federation: the relay's pages (records as stored, page size, mapping)")
struct RelayPagesTests {
    /// A grant of every item in clear over every row: the owner's change log passes through as stored, and
    /// the consumer holds the owner's records value for value.
    @Test func aClearGrantRelaysTheRecordsAsStored() async throws {
        try await TwoNodes.run { n in
            let provider = try await n.owner.token(n.atOwner.steward)
            _ = try await n.owner.loadCSV(n.atOwner, n.atOwner.csv(rows: 0..<6), token: provider)
            let all = n.atOwner.layout.columns.map(\.name)
            let applied = try await n.apply(items: all, clear: true)
            #expect(applied.status == .created, "\(applied.body.string)")
            let info = try applied.decode(RemoteApplicationInfo.self)
            try await n.approve(try #require(info.remoteID))
            #expect(ConsumerFeed.passesThrough(try await Self.ownerView(n), layout: n.atOwner.layout))
            try await n.relayConnector()
            let run = try await n.run()
            #expect(run.status == "succeeded" && run.rowsRead == 6, "\(run.error ?? "")")
            let owned = try await n.owner.allRecords(n.atOwner, token: provider)
            let relayed = try await n.relayed()
            for row in 0..<6 {
                let key = n.atOwner.key(row)
                #expect(relayed[key] == owned[key], "record \(key) as the owner holds it")
            }
        }
    }

    /// A grant that masks an item or leaves one out is not passed through: each change is masked.
    @Test func aMaskingGrantIsNotPassedThrough() async throws {
        try await TwoNodes.run { n in
            _ = try await n.granted()
            #expect(!ConsumerFeed.passesThrough(try await Self.ownerView(n), layout: n.atOwner.layout))
            // …and what it relays is masked all the same.
            let provider = try await n.owner.token(n.atOwner.steward)
            _ = try await n.owner.loadCSV(n.atOwner, n.atOwner.csv(rows: 0..<2), token: provider)
            try await n.relayConnector()
            #expect(try await n.run().status == "succeeded")
            let text = try #require(n.atOwner.textColumn)
            #expect(try await n.relayed()[n.atOwner.key(1)]?[text.name]?.text.contains("*") == true)
        }
    }

    /// The owner serves pages of up to 10,000 changes (the relay's default) and refuses larger ones; a
    /// relay's settings take 10,000 and refuse 10,001.
    @Test func pagesOfTenThousandChangesAreServedAndLargerOnesRefused() async throws {
        try await TwoNodes.run { n in
            _ = try await n.granted()
            let client = try await NodeClient.make(app: n.consumer, on: n.consumer.db)
            let peer = try #require(try await FederationNodes.peer("chancheng", on: n.consumer.db))
            for (limit, status) in [(10_000, 200 as UInt), (10_001, 400)] {
                let path = "/api/v1/federation/peer/records/\(n.atOwner.code)/changes?department=\(DataBankSource.escape(n.department))&limit=\(limit)"
                let answer = try await client.send(.GET, path, to: peer, operation: "federation.records.pull", resource: n.atOwner.code)
                #expect(answer.status == status, "limit \(limit): \(String(buffer: answer.body))")
            }
            var source = ConnectorSource(kind: "databank")
            source.node = "chancheng"; source.resource = n.atOwner.code; source.pageSize = 10_000
            #expect(DataBankSource.problems(source, department: n.department).isEmpty)
            source.pageSize = 10_001
            #expect(DataBankSource.problems(source, department: n.department).map(\.field) == ["source.pageSize"])
        }
    }

    /// A mapping that renames: two text items swapped at the consumer arrive each in the other's place
    /// (the ingest renames the records the owner sent).
    @Test func aRenamingMappingPutsEachItemWhereItMaps() async throws {
        try await TwoNodes.run { n in
            let provider = try await n.owner.token(n.atOwner.steward)
            _ = try await n.owner.loadCSV(n.atOwner, n.atOwner.csv(rows: 0..<3), token: provider)
            _ = try await n.granted()
            let granted = Set(n.grantedItems)
            // Items only typed and measured (no pattern, domain or other rule a swapped value could fail).
            let store = try await RecordStores.find(n.atConsumer.code, on: n.consumer.db)
            let checked = Set(
                try await QualitySetup.load(store, on: n.consumer.db).rules.filter { ![.type, .length, .required].contains($0.kind) }.compactMap(\.column))
            let texts = n.atConsumer.layout.columns.filter {
                !$0.primaryKey && $0.type == .C && $0.name != n.atOwner.textColumn?.name && granted.contains($0.name) && !checked.contains($0.name)
            }
            var pair: (RecordLayout.Column, RecordLayout.Column)?
            for (i, first) in texts.enumerated() {
                // Room for either's values (short texts where no rule shapes them).
                for second in texts[(i + 1)...] where (first.length ?? 99) >= 10 && (second.length ?? 99) >= 10 && pair == nil {
                    pair = (first, second)
                }
            }
            let (a, b) = try #require(pair, "two text items to swap")
            // Record 1 with a value of its own in each of the two.
            let line = n.atOwner.layout.columns.map { c in c.name == a.name ? "甲值" : c.name == b.name ? "乙值" : n.atOwner.value(c, row: 1) }
            _ = try await n.owner.loadCSV(n.atOwner, n.atOwner.header() + "\n" + line.joined(separator: ",") + "\n", token: provider)
            var mapping = ConnectorMapping.identity(n.atConsumer.layout).pairs
            for i in mapping.indices {
                if mapping[i].item == a.name { mapping[i].source = b.name } else if mapping[i].item == b.name { mapping[i].source = a.name }
            }
            let body = ConnectorBody(
                code: "relay-swap", name: "转接（换位）", resource: n.atConsumer.code, source: .init(kind: "databank", node: "chancheng", resource: n.atOwner.code),
                mapping: mapping, schedule: "every 5 minutes", mode: "incremental")
            let created = try await n.consumer.send(.POST, "/api/v1/connectors", token: try await n.consumer.token(TwoNodes.steward), json: body)
            #expect(created.status == .created, "\(created.body.string)")
            let run = try await n.run("relay-swap")
            #expect(run.status == "succeeded" && run.rowsRead == 4 && run.inserted + run.updated == 3, "\(run.error ?? "") \(run.refused) refused")
            let owned = try await n.owner.allRecords(n.atOwner, token: provider)
            let relayed = try await n.relayed()
            let key = n.atOwner.key(1)
            let here: [String: JSONValue] = try #require(relayed[key])
            let there: [String: JSONValue] = try #require(owned[key])
            let (hereA, hereB, thereA, thereB): (JSONValue?, JSONValue?, JSONValue?, JSONValue?) = (here[a.name], here[b.name], there[a.name], there[b.name])
            #expect(hereA == thereB)
            #expect(hereB == thereA)
            #expect(hereA == .string("乙值") && hereB == .string("甲值"))
        }
    }

    /// A record loaded at the owner from JSON with escapes, Chinese text, an emoji and `null` arrives value
    /// for value, its earlier version in the same page overtaken (a page passed through is in `seq` order).
    /// A mapping that puts a text item into a typed one at the consumer quarantines the records whose value
    /// does not fit there, their raw record kept.
    @Test func escapedValuesArriveAndValuesThatDoNotFitAreQuarantined() async throws {
        try await TwoNodes.run { n in
            let provider = try await n.owner.token(n.atOwner.steward)
            _ = try await n.owner.loadCSV(n.atOwner, n.atOwner.csv(rows: 1..<4), token: provider)
            let text = try #require(n.atOwner.textColumn)
            let optional = n.atOwner.layout.columns.first { !$0.primaryKey && !$0.required && $0.name != text.name }
            var record: [String: String?] = Dictionary(uniqueKeysWithValues: n.atOwner.layout.columns.map { ($0.name, n.atOwner.value($0, row: 1)) })
            record[text.name] = "甲\"乙\\丙\n😀"
            if let optional { record[optional.name] = .some(nil) }
            let line = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
            let loaded = try await n.owner.sendRaw(
                .POST, "/api/v1/resources/\(n.atOwner.code)/records?mode=upsert", token: provider, contentType: "application/x-ndjson", body: Array(line.utf8))
            #expect(loaded.status == .ok, "\(loaded.body.string)")
            let applied = try await n.apply(items: n.atOwner.layout.columns.map(\.name), clear: true)
            try await n.approve(try #require(try applied.decode(RemoteApplicationInfo.self).remoteID))
            try await n.relayConnector()
            let run = try await n.run()
            #expect(run.status == "succeeded" && run.rowsRead == 4 && run.refused == 0, "\(run.error ?? "")")
            let owned = try await n.owner.allRecords(n.atOwner, token: provider)
            let relayed = try await n.relayed()
            #expect(relayed[n.atOwner.key(1)]?[text.name] == .string("甲\"乙\\丙\n😀"))
            #expect(relayed[n.atOwner.key(1)] == owned[n.atOwner.key(1)])

            // The text item read into a typed item (a number, a date, a boolean) of the consumer's store, and back.
            let typed = try #require(
                n.atConsumer.layout.columns.first { !$0.primaryKey && !$0.required && ![.C, .M, .G].contains($0.type) }, "a typed optional item")
            var mapping = ConnectorMapping.identity(n.atConsumer.layout).pairs
            for i in mapping.indices {
                if mapping[i].item == typed.name { mapping[i].source = text.name } else if mapping[i].item == text.name { mapping[i].source = typed.name }
            }
            let body = ConnectorBody(
                code: "relay-typed", name: "转接（类型不符）", resource: n.atConsumer.code,
                source: .init(kind: "databank", node: "chancheng", resource: n.atOwner.code), mapping: mapping, schedule: "every 5 minutes",
                mode: "incremental")
            let token = try await n.consumer.token(TwoNodes.steward)
            #expect(try await n.consumer.send(.POST, "/api/v1/connectors", token: token, json: body).status == .created)
            let refused = try await n.run("relay-typed")
            #expect(refused.status == "succeeded" && refused.rowsRead == 4 && refused.refused == 3, "\(refused.error ?? "")")
            let page = try await n.consumer.send(.GET, "/api/v1/resources/\(n.atConsumer.code)/quarantine?status=open", token: token)
                .decode(QuarantinePage.self)
            let entry = try #require(page.items.first { $0.record?[typed.name] == .some("甲\"乙\\丙\n😀") }, "\(page.items)")
            #expect(entry.code == "type_error")
        }
    }

    /// The grant's view at the owner, decided as the peer feed decides it.
    static func ownerView(_ n: TwoNodes) async throws -> GrantView {
        let consumer = PeerConsumer.code(node: "guangdong", department: n.department)
        let actor = Actor(userID: consumer, role: .viewer, departmentCode: consumer)
        let decided = try #require(try await StoreReading.decide(actor: actor, app: nil, code: n.atOwner.code, today: n.owner.today, on: n.owner.db))
        let store = try #require(decided.store)
        return try #require(try await StoreReading.view(decided, store: store, reader: consumer, app: n.owner, on: n.owner.db))
    }
}
