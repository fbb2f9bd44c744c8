import DataBankCore
@testable import DataBankServer
import Fluent
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The demo's enterprise-registration resource: published, owned by the market regulation bureau.
struct StoreFixture {
    var code: String
    var layout: RecordLayout
    var steward: String   // scj_steward, of the provider department
    /// Values passing the resource's quality rules (identifiers, code lists, patterns).
    var samples = SampleValues(rules: [])

    /// The demo publishes it 无条件开放; by default the fixture closes it to the public, so that what other
    /// departments read is their grants' alone (`openToPublic: true` keeps the open portal's view).
    static func enterprise(_ app: Application, openToPublic: Bool = false) async throws -> StoreFixture {
        let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$name == "企业登记信息表").first())
        if !openToPublic {
            resource.openType = OpenType.closed.rawValue
            try await resource.save(on: app.db)
        }
        let store = try await RecordStores.find(resource.code, on: app.db)
        return StoreFixture(code: resource.code, layout: store.recordLayout, steward: "scj_steward",
                            samples: SampleValues(rules: try await QualitySetup.load(store, on: app.db).rules))
    }

    /// The key of row `row` (a valid unified social credit code).
    func key(_ row: Int) -> String { value(keyColumn, row: row) }

    /// A value that fits `column`, distinct per `row` for key columns.
    func value(_ column: RecordLayout.Column, row: Int, variant: Int = 0) -> String {
        if let v = samples.value(column.name, row: column.primaryKey ? 100_000 + row : row + variant) { return v }
        switch column.type {
        case .C, .M, .G:
            let text = column.primaryKey ? "K\(100_000 + row)" : "值\(row)-\(variant)"
            return String(text.prefix(column.length ?? 40))
        case .I: return String(row + variant)
        case .N, .Y: return "\(row).5"
        case .F, .B: return "\(row).25"
        case .D: return String(format: "2024-01-%02d", row % 28 + 1)
        case .T: return String(format: "2024-01-%02d 08:%02d:00", row % 28 + 1, variant % 60)
        case .L: return row % 2 == 0 ? "true" : "false"
        }
    }

    func header() -> String { layout.columns.map(\.name).joined(separator: ",") }

    func csv(rows: Range<Int>, variant: Int = 0) -> String {
        ([header()] + rows.map { r in layout.columns.map { value($0, row: r, variant: variant) }.joined(separator: ",") })
            .joined(separator: "\n") + "\n"
    }

    var keyColumn: RecordLayout.Column { layout.keyColumns[0] }
    var textColumn: RecordLayout.Column? { layout.columns.first { !$0.primaryKey && $0.type == .C && ($0.length ?? 99) >= 8 } }
}

extension Application {
    /// Sends raw bytes with a content type (CSV, NDJSON …) and returns the response.
    func sendRaw(_ method: HTTPMethod, _ path: String, token: String?, contentType: String, body: [UInt8],
                 headers extra: [(String, String)] = []) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let token { headers.bearerAuthorization = .init(token: token) }
        headers.replaceOrAdd(name: .contentType, value: contentType)
        for (k, v) in extra { headers.replaceOrAdd(name: k, value: v) }
        var result: TestingHTTPResponse?
        try await testing().test(method, path, headers: headers, body: ByteBuffer(bytes: body), afterResponse: { result = $0 })
        return try #require(result)
    }

    /// A token of a data steward of `department` (the provider who may write its stores).
    func stewardToken(of department: String) async throws -> String {
        if let steward = try await User.query(on: db).filter(\.$departmentCode == department)
            .filter(\.$roleName == Role.steward.rawValue).first() {
            return try await token(steward.username)
        }
        let name = "steward_\(department)"
        try await Accounts.addUser(username: name, displayName: name, password: "databank-test", role: .steward, departmentCode: department, on: db)
        return try await token(name)
    }

    func loadCSV(_ f: StoreFixture, _ csv: String, mode: String = "upsert", token: String) async throws -> TestingHTTPResponse {
        try await sendRaw(.POST, "/api/v1/resources/\(f.code)/records?mode=\(mode)", token: token, contentType: "text/csv", body: Array(csv.utf8))
    }

    /// Every record of the store as parsed JSON objects, keyed by the key text.
    func allRecords(_ f: StoreFixture, token: String, purpose: String? = nil) async throws -> [String: [String: JSONValue]] {
        let res = try await send(.GET, "/api/v1/resources/\(f.code)/records?limit=all&format=ndjson" + (purpose.map { "&purpose=\($0)" } ?? ""), token: token)
        #expect(res.status == .ok)
        var out: [String: [String: JSONValue]] = [:]
        for line in res.body.string.split(separator: "\n") {
            let object = try JSONDecoder().decode([String: JSONValue].self, from: Data(line.utf8))
            out[f.layout.keyNames.map { object[$0]?.text ?? "" }.joined(separator: ",")] = object
        }
        return out
    }
}

/// A JSON value compared by meaning (numbers as numbers), for checking records.
enum JSONValue: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), other

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else { self = .other }
    }

    var text: String {
        switch self {
        case .null: return ""
        case .bool(let b): return String(b)
        case .number(let n): return n == n.rounded() ? String(Int(n)) : String(n)
        case .string(let s): return s
        case .other: return "?"
        }
    }
}

struct LoadAnswer: Decodable {
    var loadID: UUID
    var inserted: Int
    var updated: Int
    var rejected: Int
    var rows: Int
    var encoding: String?
    var status: String
}

struct ChangeItem: Decodable {
    var seq: Int
    var op: String
    var data: [String: JSONValue]?
    var key: [JSONValue]?
}

struct ChangePage: Decodable {
    var items: [ChangeItem]
    var next: Int
    var lastSeq: Int
}
