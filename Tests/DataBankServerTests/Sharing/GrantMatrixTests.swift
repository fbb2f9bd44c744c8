import DataBankCore
@testable import DataBankServer
import Fluent
import Testing
import Vapor
import VaporTesting

/// Every reader against every data endpoint: with a grant, without, expired, revoked, and
/// asking outside its scope. The grant shows three items, masks the legal representative,
/// and covers the first three records only.
@Suite("Grant enforcement matrix")
struct GrantMatrixTests {
    enum Reader: String, CaseIterable, Sendable {
        case providerSteward, providerAdmin, platformAdmin, consumerWithGrant, consumerExpired, consumerRevoked
        case otherDepartment, appBound, appUnbound, anonymous
    }

    enum Endpoint: String, CaseIterable, Sendable { case query, one, export, changes }

    struct Case: Sendable, CustomTestStringConvertible {
        var reader: Reader, endpoint: Endpoint
        var testDescription: String { "\(reader.rawValue) × \(endpoint.rawValue)" }
    }

    static let cases = Reader.allCases.flatMap { r in Endpoint.allCases.map { Case(reader: r, endpoint: $0) } }
    static let granted = ["enterprise_name", "legal_rep", "region_code"]

    @Test(arguments: cases) func readerAgainstEndpoint(_ c: Case) async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<6), token: provider)
            let key = f.keyColumn.name
            let token = try await token(for: c.reader, app, f)
            let path = "/api/v1/resources/\(f.code)/" + [
                .query: "records?purpose=matrix", .one: "records/\(f.key(1))?purpose=matrix",
                .export: "records?purpose=matrix&format=csv&limit=all", .changes: "changes?purpose=matrix",
            ][c.endpoint]!
            let res = try await app.send(.GET, path, token: token)

            switch c.reader {
            case .anonymous:
                #expect(res.status == .unauthorized)
            case .otherDepartment, .consumerExpired, .consumerRevoked, .appUnbound:
                #expect(res.status == .forbidden)
                #expect(try res.errorBody().code == "no_grant")
            case .providerSteward, .providerAdmin, .platformAdmin:
                #expect(res.status == .ok)
                let fields = try fieldsAndRows(res, c.endpoint)
                #expect(fields.names == Set(f.layout.columns.map(\.name)))
                #expect(fields.rows == (c.endpoint == .one ? 1 : 6))
            case .consumerWithGrant, .appBound:
                #expect(res.status == .ok)
                let fields = try fieldsAndRows(res, c.endpoint)
                #expect(fields.names == Set(Self.granted + [key]))
                #expect(fields.rows == (c.endpoint == .one ? 1 : 3))
                // The legal representative is masked (keeps the first character), the name is not.
                #expect(fields.values["legal_rep"]?.allSatisfy { $0.dropFirst().allSatisfy { $0 == "*" } } == true)
                #expect(fields.values["enterprise_name"]?.contains { $0.hasPrefix("值") && !$0.contains("*") } == true)
            }
        }
    }

    /// Outside the scope: an item not granted, a filter on a masked item, a record outside the rows.
    @Test func askingOutsideTheScope() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<6), token: try await app.token(f.steward))
            let token = try await token(for: .consumerWithGrant, app, f)
            let base = "/api/v1/resources/\(f.code)/records"
            let item = try await app.send(.GET, "\(base)?purpose=x&fields=business_scope", token: token)
            #expect(item.status == .forbidden)
            #expect(try item.errorBody().code == "item_not_granted")
            let masked = try await app.send(.GET, "\(base)?purpose=x&legal_rep=x", token: token)
            #expect(masked.status == .forbidden)
            #expect(try masked.errorBody().code == "item_masked")
            let outside = try await app.send(.GET, "\(base)/\(f.key(5))?purpose=x", token: token)
            #expect(outside.status == .notFound)
            let noPurpose = try await app.send(.GET, base, token: token)
            #expect(noPurpose.status == .badRequest)
            #expect(try noPurpose.errorBody().code == "purpose_required")
        }
    }

    // MARK: Setup

    /// A token for the reader; consumers get their grant (or its expired / revoked form) first.
    func token(for reader: Reader, _ app: Application, _ f: StoreFixture) async throws -> String? {
        switch reader {
        case .anonymous: return nil
        case .providerSteward: return try await app.token("scj_steward")
        case .providerAdmin: return try await app.token("scj_admin")
        case .platformAdmin: return try await app.token("admin")
        case .otherDepartment: return try await app.token("viewer")
        case .consumerWithGrant, .consumerExpired, .consumerRevoked, .appBound, .appUnbound:
            let consumer = try await app.token("jtj_steward")
            let grant = try await grant(app, f, consumer: consumer)
            switch reader {
            case .consumerExpired:
                grant.validFrom = "2024-01-01"; grant.validUntil = "2025-12-31"
                try await grant.save(on: app.db)
            case .consumerRevoked:
                let res = try await app.send(.POST, "/api/v1/grants/\(grant.id!)/revoke", token: try await app.token("scj_steward"), json: ["reason": "matrix"])
                #expect(res.status == .ok)
            case .appBound, .appUnbound:
                let res = try await app.send(.POST, "/api/v1/apps", token: consumer, json: [
                    "name": AnyEncodable("matrix app"), "grants": AnyEncodable(reader == .appBound ? [grant.id!] : [])])
                #expect(res.status == .created)
                return try res.decode(AppInfo.self).token
            default: break
            }
            return consumer
        }
    }

    func grant(_ app: Application, _ f: StoreFixture, consumer: String) async throws -> GrantRow {
        try await app.grantAtOnce(f, consumer: consumer, items: Self.granted, lastKey: f.key(2), purpose: "矩阵测试")
    }

    /// The field names, the number of records and each field's values, whatever the format.
    func fieldsAndRows(_ res: TestingHTTPResponse, _ endpoint: Endpoint) throws -> (names: Set<String>, rows: Int, values: [String: [String]]) {
        var objects: [[String: JSONValue]] = []
        switch endpoint {
        case .query: objects = try res.decode(RecordPage.self).items
        case .one: objects = [try JSONDecoder().decode([String: JSONValue].self, from: Data(res.body.string.utf8))]
        case .changes: objects = try res.decode(ChangePage.self).items.compactMap(\.data)
        case .export:
            let lines = res.body.string.replacingOccurrences(of: "\u{FEFF}", with: "").split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let header = lines.first ?? []
            objects = lines.dropFirst().map { cells in Dictionary(uniqueKeysWithValues: zip(header, cells.map { JSONValue.string($0) })) }
        }
        var values: [String: [String]] = [:]
        for o in objects { for (k, v) in o { values[k, default: []].append(v.text) } }
        return (Set(objects.first?.keys.map { $0 } ?? []), objects.count, values)
    }
}
