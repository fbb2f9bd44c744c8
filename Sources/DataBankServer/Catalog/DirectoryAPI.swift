import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Departments and the standards library: reference data every resource points at.
enum Directory {
    static func departmentNames(on db: any Database, language: String) async throws -> [String: String] {
        async let all = Department.query(on: db).all()
        // Departments of peer nodes that applied here (`node:<peer>/<code>`), named with their node; both read at once.
        async let peers = PeerDepartments.names(on: db, language: language)
        return Dictionary(uniqueKeysWithValues: try await all.map { ($0.code, language == "en" ? $0.nameEn : $0.name) }).merging(
            try await peers, uniquingKeysWith: { a, _ in a })
    }

    /// Users' display names by username, for the usernames a page lists (audit entries, loads).
    static func displayNames(_ usernames: some Collection<String>, on db: any Database) async throws -> [String: String] {
        let wanted = Array(Set(usernames))
        guard !wanted.isEmpty else { return [:] }
        let users = try await User.query(on: db).filter(\.$username ~~ wanted).all()
        return Dictionary(users.map { ($0.username, $0.displayName) }, uniquingKeysWith: { a, _ in a })
    }

    static func department(_ code: String, on db: any Database) async throws -> Department {
        guard let d = try await Department.query(on: db).filter(\.$code == code).first() else { throw AppError.notFound("Department \(code)") }
        return d
    }

    /// A "not in the future" rule on a standard whose values are not dates.
    static func notFutureProblem(_ notFuture: Bool?, dataType: DataType) -> FieldError? {
        guard notFuture == true, ![.D, .T].contains(dataType) else { return nil }
        return FieldError(
            field: "notFuture", code: "not_a_date", message: "只有日期型或日期时间型标准可以要求“不晚于当日”",
            messageEn: "Only a date or date-time standard can say its values are not in the future")
    }

    static func setNotFuture(_ notFuture: Bool, on row: StandardRow, db: any Database) async throws {
        if let problem = notFutureProblem(notFuture, dataType: DataType(rawValue: row.dataType) ?? .C) { throw AppError.validation([problem]) }
        row.notFuture = notFuture ? true : nil
        try await row.save(on: db)
    }

    static func standard(_ code: String, on db: any Database) async throws -> StandardRow {
        guard let s = try await StandardRow.query(on: db).filter(\.$code == code).first() else { throw AppError.notFound("Standard \(code)") }
        return s
    }

    /// Number of catalog resources per department (published, not classified).
    static func resourceCounts(on sql: any SQLDatabase) async throws -> [String: Int] {
        let rows = try await sql.raw(
            """
            SELECT department_code AS d, COUNT(*) AS n FROM resources
            WHERE published_revision IS NOT NULL AND status <> 'retired' AND classified = \(bind: false) GROUP BY department_code
            """
        ).all()
        return Dictionary(uniqueKeysWithValues: try rows.map { (try $0.decode(column: "d", as: String.self), try $0.decode(column: "n", as: Int.self)) })
    }

    /// Standards filtered by text (code, name, definition), data type, semantic kind.
    static func standards(q: String?, dataType: String?, kind: String?, limit: Int, offset: Int, on db: any Database) async throws -> (
        items: [StandardRow], total: Int
    ) {
        var query = StandardRow.query(on: db)
        if let q = q?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
            query = query.group(.or) { $0.filter(\.$code ~~ q).filter(\.$name ~~ q).filter(\.$definition ~~ q) }
        }
        if let t = dataType, !t.isEmpty { query = query.filter(\.$dataType == t) }
        if let k = kind, !k.isEmpty { query = query.filter(\.$semanticKind == k) }
        let total = try await query.copy().count()
        let items = try await query.sort(\.$code).range(offset..<(offset + limit)).all()
        return (items, total)
    }
}

extension ItemStandard: Content {}
extension EditionDiff: Content {}

struct DepartmentView: Content {
    var code: String; var name: String; var nameEn: String; var level: String; var parentCode: String?; var contact: String?
    var resourceCount: Int
    init(_ d: Department, count: Int) {
        code = d.code; name = d.name; nameEn = d.nameEn; level = d.level; parentCode = d.parentCode; contact = d.contact; resourceCount = count
    }
}

struct StandardView: Content {
    var standard: ItemStandard
    var usedBy: Int?
}

/// `/api/v1/departments` and `/api/v1/standards`.
struct DirectoryAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("departments", use: departments).gate(.action(.readPublished))
        routes.get("departments", ":code", use: department).gate(.action(.readPublished))
        routes.get("standards", use: standards).gate(.action(.readPublished))
        routes.post("standards", use: createStandard).gate(.action(.manageStandards))
        routes.get("standards", ":code", use: standard).gate(.action(.readPublished))
        routes.patch("standards", ":code", use: updateStandard).gate(.action(.manageStandards))
    }

    func departments(req: Request) async throws -> ListPage<DepartmentView> {
        var all = try await Department.query(on: req.db).sort(\.$code).all()
        if let level = req.query[String.self, at: "level"], !level.isEmpty { all = all.filter { $0.level == level } }
        let counts = try await Directory.resourceCounts(on: req.sql)
        let levels = Dictionary(grouping: all, by: \.level).map {
            FacetCount(value: $0.key, label: DepartmentLevel(rawValue: $0.key)?.label(req.language) ?? $0.key, count: $0.value.count)
        }
        return ListPage(items: all.map { DepartmentView($0, count: counts[$0.code] ?? 0) }, facets: ["level": levels.sorted { $0.value < $1.value }])
    }

    func department(req: Request) async throws -> DepartmentView {
        let d = try await Directory.department(try req.parameters.require("code"), on: req.db)
        return DepartmentView(d, count: try await Directory.resourceCounts(on: req.sql)[d.code] ?? 0)
    }

    func standards(req: Request) async throws -> ListPage<ItemStandard> {
        let (limit, offset) = try ListPaging.parse(req, defaultLimit: 50, maxLimit: 500, minLimit: 0)
        let (items, total) = try await Directory.standards(
            q: req.query[String.self, at: "q"], dataType: req.query[String.self, at: "dataType"],
            kind: req.query[String.self, at: "semanticKind"], limit: limit, offset: offset, on: req.db)
        return ListPage(items: items.map(\.standard), total: total)
    }

    func standard(req: Request) async throws -> StandardView {
        let s = try await Directory.standard(try req.parameters.require("code"), on: req.db)
        let used = try await req.sql.raw("SELECT COUNT(DISTINCT resource_id) AS n FROM resource_items WHERE standard_code = \(bind: s.code)")
            .first()?.decode(column: "n", as: Int.self)
        return StandardView(standard: s.standard, usedBy: used)
    }

    func createStandard(req: Request) async throws -> Response {
        try req.authorize(.manageStandards)
        let s = try req.content.decode(ItemStandard.self)
        var errors: [FieldError] = []
        if !s.code.allSatisfy({ $0.isLetter || $0.isNumber }) || s.code.isEmpty || s.code.count > 32 {
            errors.append(FieldError(field: "code", code: "invalid_format", message: "标准代码须为 1–32 位字母或数字", messageEn: "Code is 1–32 letters or digits"))
        }
        if s.name.trimmingCharacters(in: .whitespaces).isEmpty {
            errors.append(FieldError(field: "name", code: "required", message: "请填写标准名称", messageEn: "Name is required"))
        }
        if let l = s.length, l <= 0 { errors.append(FieldError(field: "length", code: "invalid", message: "长度须为正整数", messageEn: "Length must be positive")) }
        if let p = s.pattern {
            do { _ = try LinearPattern(p) } catch {
                errors.append(
                    FieldError(
                        field: "pattern", code: "invalid_pattern", message: "格式不是有效的正则表达式：\(p)（\(error.zh)）",
                        messageEn: "Pattern is not a valid regular expression: \(p) (\(error.en))"))
            }
        }
        if let problem = Directory.notFutureProblem(s.notFuture, dataType: s.dataType) { errors.append(problem) }
        var seenCodes: [String: Int] = [:]
        for (i, entry) in s.codeList.enumerated() {
            if let first = seenCodes[entry.code] {
                errors.append(
                    FieldError(
                        field: "codeList[\(i)].code", code: "duplicate_code_value",
                        message: "代码表第 \(i + 1) 项的代码“\(entry.code)”与第 \(first + 1) 项重复",
                        messageEn: "Code list entry \(i + 1) repeats the code '\(entry.code)' of entry \(first + 1)"))
            } else {
                seenCodes[entry.code] = i
            }
        }
        if !errors.isEmpty { throw AppError.validation(errors) }
        if try await StandardRow.query(on: req.db).filter(\.$code == s.code).first() != nil {
            throw AppError.field(.conflict, "duplicate_code", "code", zh: "标准代码已存在", en: "Standard \(s.code) already exists")
        }
        try await StandardRow(s).create(on: req.db)
        return try await StandardView(standard: s, usedBy: 0).encodeResponse(status: .created, for: req)
    }

    /// What of a standard can change once resources use it: its rules that do not change a value's
    /// type or shape — for now, whether its dates may be in the future. Loads, validation and
    /// checks derive their rules from the standard each time, so the change applies from the next one.
    struct StandardChange: Content {
        var notFuture: Bool?
    }

    func updateStandard(req: Request) async throws -> StandardView {
        try req.authorize(.manageStandards)
        let change = try req.decodeBody(StandardChange.self)
        let row = try await Directory.standard(try req.parameters.require("code"), on: req.db)
        guard let notFuture = change.notFuture else {
            throw AppError.field(.unprocessableEntity, "required", "notFuture", zh: "请给出 notFuture（true 或 false）", en: "notFuture (true or false) is required")
        }
        try await Directory.setNotFuture(notFuture, on: row, db: req.db)
        return try await standard(req: req)
    }
}
