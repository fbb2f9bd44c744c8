import Foundation
import Vapor
import DataBankCore

/// The actions DataBank answers, their parameters, and the dispatch.
enum CKANActions {
    typealias Action = @Sendable (CKANCall) async throws -> String

    /// Every action DataBank answers (all of them read; CKAN's write actions are unknown here).
    static let table: [String: Action] = [
        "package_search": CKANPackages.search,
        "package_list": CKANPackages.list,
        "package_show": CKANPackages.show,
        "current_package_list_with_resources": CKANPackages.currentWithResources,
        "resource_show": CKANPackages.resourceShow,
        "organization_list": CKANOrganizations.organizationList,
        "organization_show": CKANOrganizations.organizationShow,
        "group_list": CKANOrganizations.groupList,
        "group_show": CKANOrganizations.groupShow,
        "tag_list": CKANOrganizations.tagList,
        "status_show": CKANSite.statusShow,
        "site_read": { _ in "true" },
        "datastore_search": CKANDatastore.search,
        "datastore_search_sql": { _ in
            throw CKANError.notAuthorized(
                "datastore_search_sql is not offered: every read of records goes through DataBank's read decision; use datastore_search")
        }
    ]

    @Sendable static func handle(_ req: Request) async throws -> Response {
        let name = try req.parameters.require("action")
        guard let action = table[name] else { throw CKANError.badRequest("Action name not known: \(name)") }
        let call = CKANCall(req: req, params: try CKANCall.params(req))
        return CKANResponse.success(resultJSON: try await action(call), req)
    }
}

/// One call of an action: the request, its parameters (query string, JSON body or form), the caller.
struct CKANCall: Sendable {
    let req: Request
    let params: [String: CKANValue]

    var actor: Actor? { req.actor }
    var anonymous: Bool { req.user == nil && req.app == nil }

    subscript(_ name: String) -> CKANValue? { params[name] }

    /// A scalar parameter as text; a list or object is CKAN's validation error.
    func string(_ name: String) throws -> String? {
        guard let v = params[name], v != .null else { return nil }
        guard let t = v.text else { throw CKANError.invalid(name, "Must be a string") }
        return t
    }

    func required(_ name: String) throws -> String {
        guard let v = try string(name), !v.trimmingCharacters(in: .whitespaces).isEmpty else { throw CKANError.invalid(name, "Missing value") }
        return v
    }

    func bool(_ name: String, default value: Bool) -> Bool { params[name].map { $0 == .null ? value : $0.isTrue } ?? value }

    func natural(_ name: String) throws -> Int? { try CKANNumbers.natural(params[name], field: name) }
    func clamped(_ name: String, maximum: Int) throws -> Int? { try CKANNumbers.clamped(params[name], field: name, maximum: maximum) }

    /// A list parameter: a JSON list, a JSON-encoded list in a string (`facet.field=["tags"]`, as CKAN
    /// takes it), a repeated query parameter, or a comma-separated string.
    func list(_ name: String) throws -> [String]? {
        guard let v = params[name], v != .null else { return nil }
        switch v {
        case .list(let items):
            return try items.map { item in
                guard let t = item.text else { throw CKANError.invalid(name, "Must be a list of strings") }
                return t
            }
        case .string(let s):
            let t = s.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("[") {
                guard let decoded = try? JSONDecoder().decode([CKANValue].self, from: Data(t.utf8)) else {
                    throw CKANError.invalid(name, "Invalid JSON list")
                }
                return try CKANCall(req: req, params: [name: .list(decoded)]).list(name)
            }
            return t.isEmpty ? [] : t.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        default:
            guard let t = v.text else { throw CKANError.invalid(name, "Must be a list") }
            return [t]
        }
    }

    /// CKAN's `_get_request_data`: GET takes the query string (a repeated key is a list); POST takes a
    /// JSON object body, or a form (whose one key may be the JSON itself, as old clients send it).
    static func params(_ req: Request) throws -> [String: CKANValue] {
        var out: [String: CKANValue]
        if req.method == .POST, let data = req.body.data, data.readableBytes > 0 {
            if req.headers.contentType == .urlEncodedForm {
                let pairs = pairs(data.getString(at: data.readerIndex, length: data.readableBytes) ?? "")
                if pairs.count == 1, ["", "1"].contains(pairs[0].1),
                    let json = try? JSONDecoder().decode([String: CKANValue].self, from: Data(pairs[0].0.utf8))
                {
                    out = json
                } else {
                    out = merged(pairs)
                }
            } else {
                do {
                    out = try req.decodeBody(CKANBody.self).values
                } catch {
                    throw CKANError.badRequest(
                        "JSON Error: Error decoding JSON data. The body must be a JSON object (or a form): \(AppError.from(error).message)")
                }
            }
        } else {
            out = merged(pairs(req.url.query ?? ""))
        }
        out["callback"] = nil
        return out
    }

    /// `a=1&b=2` decoded (`+` is a space), in order.
    static func pairs(_ text: String) -> [(String, String)] {
        text.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            guard let name = parts.first, !name.isEmpty else { return nil }
            return (name, parts.count > 1 ? parts[1] : "")
        }
    }

    static func merged(_ pairs: [(String, String)]) -> [String: CKANValue] {
        var out: [String: CKANValue] = [:]
        for (k, v) in pairs {
            switch out[k] {
            case nil: out[k] = .string(v)
            case .list(let l)?: out[k] = .list(l + [.string(v)])
            case let existing?: out[k] = .list([existing, .string(v)])
            }
        }
        return out
    }
}

/// A CKAN request body: one JSON object of parameters.
struct CKANBody: Content {
    var values: [String: CKANValue]
    init(from decoder: any Decoder) throws { values = try decoder.singleValueContainer().decode([String: CKANValue].self) }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(values)
    }
}

/// `status_show`: what CKAN clients read to learn the site.
enum CKANSite {
    @Sendable static func statusShow(_ call: CKANCall) async throws -> String {
        let status: [String: CKANValue] = [
            "site_title": .string("DataBank"),
            "site_description": .string("政务数据目录与数据共享平台 / Government data catalog and data bus"),
            "site_url": .string(CKANResponse.base(call.req)),
            "ckan_version": .string("2.10.0"),
            "locale_default": .string("zh_Hans_CN"),
            "extensions": .list([.string("datastore")])
        ]
        return CKANJSON.encode(status)
    }
}
