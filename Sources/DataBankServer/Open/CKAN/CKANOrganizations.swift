import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Departments as CKAN organizations, themes as groups, keywords as tags.
enum CKANOrganizations {
    /// CKAN's `ckan.group_and_organization_list_max` and `…_all_fields_max`.
    static let listMax = 1_000
    static let allFieldsMax = 25

    /// Visible packages per department.
    static func departmentCounts(_ call: CKANCall) async throws -> [String: Int] {
        let rows = try await call.req.db.sql.raw(
            "SELECT resources.department_code AS d, COUNT(*) AS n FROM resources WHERE \(CKANCatalog.visibleWhere(call)) GROUP BY resources.department_code"
        ).all()
        return Dictionary(try rows.map { (try $0.decode(column: "d", as: String.self), try $0.decode(column: "n", as: Int.self)) }, uniquingKeysWith: +)
    }

    /// Visible packages per theme (summed over the theme masks).
    static func themeCounts(_ call: CKANCall) async throws -> [Theme: Int] {
        let rows = try await call.req.db.sql.raw(
            "SELECT resources.theme_mask AS t, COUNT(*) AS n FROM resources WHERE \(CKANCatalog.visibleWhere(call)) GROUP BY resources.theme_mask"
        ).all()
        var counts: [Theme: Int] = [:]
        for r in rows {
            let n = try r.decode(column: "n", as: Int.self)
            for t in FacetKey.themes(inMask: try r.decode(column: "t", as: Int.self)) { counts[t, default: 0] += n }
        }
        return counts
    }

    /// CKAN's list parameters: `sort` ("name asc", "title", "package_count desc"), `limit`, `offset`, `all_fields`.
    struct ListRequest {
        var descending: Bool
        var by: String
        var limit: Int
        var offset: Int
        var allFields: Bool

        init(_ call: CKANCall) throws {
            allFields = call.bool("all_fields", default: false)
            let sort = try call.string("sort") ?? "name asc"
            let parts = sort.split(separator: " ").map(String.init)
            guard (1...2).contains(parts.count), ["name", "title", "package_count"].contains(parts[0]),
                parts.count == 1 || ["asc", "desc"].contains(parts[1].lowercased())
            else {
                throw CKANError.invalid("sort", "Cannot sort by \(sort); sort by name, title or package_count, asc or desc")
            }
            by = parts[0]
            descending = parts.count == 2 ? parts[1].lowercased() == "desc" : by == "package_count"
            let max = allFields ? allFieldsMax : listMax
            limit = min(try call.natural("limit") ?? max, max)
            offset = try call.natural("offset") ?? 0
        }

        func page<T>(_ items: [T], name: (T) -> String, title: (T) -> String, count: (T) -> Int) -> [T] {
            let sorted = items.sorted { a, b in
                switch by {
                case "title": return descending ? (title(a), name(a)) > (title(b), name(b)) : (title(a), name(a)) < (title(b), name(b))
                case "package_count":
                    guard count(a) == count(b) else { return descending ? count(a) > count(b) : count(a) < count(b) }
                    return name(a) < name(b)
                default: return descending ? name(a) > name(b) : name(a) < name(b)
                }
            }
            return Array(sorted.dropFirst(offset).prefix(limit))
        }
    }

    @Sendable static func organizationList(_ call: CKANCall) async throws -> String {
        let request = try ListRequest(call)
        async let departmentRows = Department.query(on: call.req.db).all()
        async let countQuery = departmentCounts(call)
        var (departments, counts) = try await (departmentRows, countQuery)
        if let only = try call.list("organizations") { departments = departments.filter { only.contains($0.code) } }
        let page = request.page(departments, name: \.code, title: \.name, count: { counts[$0.code] ?? 0 })
        if request.allFields {
            return CKANJSON.encode(page.map { CKANCatalog.organization($0, packageCount: counts[$0.code] ?? 0) })
        }
        return CKANJSON.encode(page.map(\.code))
    }

    @Sendable static func organizationShow(_ call: CKANCall) async throws -> String {
        let id = try call.required("id")
        var department = try await Department.query(on: call.req.db).filter(\.$code == id).first()
        if department == nil, let uuid = UUID(uuidString: id) { department = try await Department.find(uuid, on: call.req.db) }
        guard let department else { throw CKANError.notFound("Organization was not found.") }
        let counts = try await departmentCounts(call)
        guard case .object(var o) = CKANCatalog.organization(department, packageCount: counts[department.code] ?? 0) else { return "null" }
        o["users"] = .list([]); o["groups"] = .list([]); o["tags"] = .list([])
        o["extras"] = .list(
            [("level", department.level), ("parent", department.parentCode ?? ""), ("contact", department.contact ?? "")]
                .filter { !$0.1.isEmpty }.map { .object(["key": .string($0.0), "value": .string($0.1)]) })
        if call.bool("include_datasets", default: false) {
            o["packages"] = .list(try await datasets(call, condition: "resources.department_code = \(bind: department.code)"))
        }
        return CKANJSON.encode(o)
    }

    @Sendable static func groupList(_ call: CKANCall) async throws -> String {
        let request = try ListRequest(call)
        let counts = try await themeCounts(call)
        var themes = Array(Theme.allCases)
        if let only = try call.list("groups") { themes = themes.filter { only.contains(CKANNames.group($0)) } }
        let page = request.page(themes, name: CKANNames.group, title: \.zh, count: { counts[$0] ?? 0 })
        if request.allFields { return CKANJSON.encode(page.map { CKANCatalog.group($0, packageCount: counts[$0] ?? 0) }) }
        return CKANJSON.encode(page.map(CKANNames.group))
    }

    @Sendable static func groupShow(_ call: CKANCall) async throws -> String {
        let id = try call.required("id")
        guard let theme = CKANNames.theme(group: id) else { throw CKANError.notFound("Group was not found.") }
        let counts = try await themeCounts(call)
        guard case .object(var o) = CKANCatalog.group(theme, packageCount: counts[theme] ?? 0) else { return "null" }
        o["users"] = .list([]); o["groups"] = .list([]); o["tags"] = .list([]); o["extras"] = .list([])
        if call.bool("include_datasets", default: false) {
            o["packages"] = .list(try await datasets(call, condition: "(resources.theme_mask & \(literal: FacetKey.bit(theme))) <> 0"))
        }
        return CKANJSON.encode(o)
    }

    /// CKAN's `include_datasets`: the first packages (by name) of an organization or group.
    static func datasets(_ call: CKANCall, condition: SQLQueryString) async throws -> [CKANValue] {
        let rows = try await call.req.db.sql.raw(
            """
            SELECT resources.code FROM resources WHERE \(CKANCatalog.visibleWhere(call)) AND \(condition)
            ORDER BY resources.code LIMIT \(literal: CKANPackages.rowsMax)
            """
        ).all()
        return try await CKANPackages.packages(try rows.map { try $0.decode(column: "code", as: String.self) }, call)
    }

    @Sendable static func tagList(_ call: CKANCall) async throws -> String {
        var filter: SQLQueryString = ""
        if let q = try call.string("query") ?? call.string("q"), !q.isEmpty {
            filter = " AND LOWER(resource_tags.tag) LIKE \(bind: "%" + CatalogSearch.likeEscaped(q.lowercased()) + "%") ESCAPE '\\'"
        }
        let rows = try await call.req.db.sql.raw(
            """
            SELECT DISTINCT resource_tags.tag AS tag FROM resources JOIN resource_tags ON resource_tags.resource_id = resources.id
            WHERE \(CKANCatalog.visibleWhere(call))\(filter) ORDER BY tag
            """
        ).all()
        let tags = try rows.map { try $0.decode(column: "tag", as: String.self) }
        if call.bool("all_fields", default: false) {
            return CKANJSON.encode(tags.map { CKANValue.object(["name": .string($0), "display_name": .string($0), "vocabulary_id": .null]) })
        }
        return CKANJSON.encode(tags)
    }
}
