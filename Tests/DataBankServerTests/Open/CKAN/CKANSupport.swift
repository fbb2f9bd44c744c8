import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

extension Application {
    /// Calls a CKAN action as `ckanapi` does: POST, a JSON object body, the key as a bare `Authorization`.
    func ckan(_ action: String, _ params: [String: CKANValue] = [:], key: String? = nil, prefix: String = "/api/3/action/") async throws
        -> TestingHTTPResponse
    {
        var headers = HTTPHeaders()
        headers.contentType = .json
        if let key { headers.replaceOrAdd(name: .authorization, value: key) }
        var result: TestingHTTPResponse?
        let body = ByteBuffer(string: CKANJSON.encode(params))
        try await testing().test(.POST, prefix + action, headers: headers, body: body, afterResponse: { result = $0 })
        return try #require(result)
    }

    /// A GET with a query string (browsers, curl, `ckanapi --get`).
    func ckanGet(_ pathAndQuery: String, key: String? = nil) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let key { headers.replaceOrAdd(name: .authorization, value: key) }
        var result: TestingHTTPResponse?
        try await testing().test(.GET, pathAndQuery, headers: headers, afterResponse: { result = $0 })
        return try #require(result)
    }

    /// A published resource with the given open type and no record store.
    func publishedResource(open: OpenType) async throws -> ResourceRow {
        let rows = try await ResourceRow.query(on: db).filter(\.$openType == open.rawValue).filter(\.$classified == false)
            .filter(\.$publishedRevision != nil).filter(\.$status == "published").sort(\.$code).all()
        return try #require(rows.first)
    }
}

extension TestingHTTPResponse {
    /// The body as a CKAN value.
    var ckan: CKANValue { (try? JSONDecoder().decode(CKANValue.self, from: Data(body.string.utf8))) ?? .null }
    /// `result` of a successful answer.
    var result: CKANValue { ckan["result"] }
    /// `error` of a failed answer.
    var ckanError: CKANValue { ckan["error"] }
}

extension CKANValue {
    subscript(_ key: String) -> CKANValue {
        if case .object(let o) = self { return o[key] ?? .null }
        return .null
    }

    subscript(_ index: Int) -> CKANValue {
        if case .list(let l) = self, index < l.count { return l[index] }
        return .null
    }

    var items: [CKANValue] {
        if case .list(let l) = self { return l }
        return []
    }

    var int: Int? {
        if case .number(let n) = self { return Int(n) }
        return nil
    }

    var keys: [String] {
        if case .object(let o) = self { return o.keys.sorted() }
        return []
    }
}
