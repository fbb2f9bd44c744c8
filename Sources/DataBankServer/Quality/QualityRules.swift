import Fluent
import SQLKit
import Vapor
import DataBankCore

/// A rule a provider wrote for a resource: a cross-field expression or a reference to another
/// resource's key. (Derived rules are computed from the items and standards, never stored.)
final class QualityRuleRow: Model, @unchecked Sendable {
    static let schema = "quality_rules"
    @ID(key: .id) var id: UUID?
    @Field(key: "resource_code") var resourceCode: String
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String
    @OptionalField(key: "column_name") var columnName: String?
    @OptionalField(key: "expression") var expression: String?
    @OptionalField(key: "references") var references: String?
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    var rule: QualityRule {
        QualityRule(
            id: id?.uuidString ?? "", kind: QualityRule.Kind(rawValue: kind) ?? .expression, column: columnName, name: name, nameEn: name,
            derived: false, expression: expression, references: references,
            errorType: kind == "referential" ? "foreign-key" : "row-constraint")
    }
}

/// `GET/POST /api/v1/resources/{code}/rules`, `DELETE …/rules/{id}`: a resource's quality rules.
/// A rule that cannot compile is refused with the position of the error; nothing is saved.
struct QualityRulesAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let rules = routes.grouped("resources", ":code", "rules")
        rules.get(use: list).gate(.action(.readPublished))
        rules.post(use: create).gate(.action(.manageQualityRules))
        rules.delete(":id", use: remove).gate(.action(.manageQualityRules))
    }

    struct RuleList: Content { var derived: [QualityRule]; var custom: [QualityRule] }

    func list(req: Request) async throws -> RuleList {
        let (store, resource) = try await Self.load(req)
        let custom = try await QualityRuleRow.query(on: req.db).filter(\.$resourceCode == store.resourceCode).sort(\.$createdAt).all()
        return RuleList(derived: try await Self.derived(resource, on: req.db), custom: custom.map(\.rule))
    }

    struct NewRule: Content, BoundedText {
        var kind: String; var name: String?; var expression: String?; var column: String?; var references: String?
        var boundedFields: [(field: String, value: String?, max: Int)] {
            [
                ("kind", kind, 40), ("name", name, TextLimit.name), ("expression", expression, TextLimit.note), ("column", column, 64),
                ("references", references, 64)
            ]
        }
    }

    func create(req: Request) async throws -> Response {
        let body = try req.decodeBody(NewRule.self)
        let row = try await Self.add(req, kind: body.kind, name: body.name, expression: body.expression, column: body.column, references: body.references)
        return try await row.rule.encodeResponse(status: .created, for: req)
    }

    /// Load → authorize → validate (compile, or check the reference) → save. Shared by the API and the page.
    @discardableResult
    static func add(_ req: Request, kind: String, name: String?, expression: String?, column: String?, references: String?) async throws -> QualityRuleRow {
        let (store, _) = try await load(req)
        let user = try req.requireUser()
        try req.authorize(.manageQualityRules, department: store.departmentCode)
        let body = NewRule(kind: kind, name: name, expression: expression, column: column, references: references)
        let row = QualityRuleRow()
        row.resourceCode = store.resourceCode; row.createdBy = user.username
        switch body.kind {
        case "expression":
            guard let source = body.expression, !source.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw AppError.field(.unprocessableEntity, "required", "expression", zh: "请填写规则表达式", en: "expression is required")
            }
            if case .failure(let e) = RuleCompiler.compile(source, layout: store.recordLayout) {
                throw AppError(
                    .unprocessableEntity, e.code, "\(e.messageEn) (at character \(e.position + 1))",
                    details: [
                        FieldError(
                            field: "expression", code: e.code, message: "\(e.message)（第 \(e.position + 1) 个字符）",
                            messageEn: "\(e.messageEn) (at character \(e.position + 1))")
                    ])
            }
            row.kind = "expression"; row.expression = source; row.name = body.name ?? source
        case "referential":
            guard let column = body.column, store.recordLayout.column(named: column) != nil else {
                throw AppError.field(.unprocessableEntity, "unknown_item", "column", zh: "未知信息项：\(body.column ?? "")", en: "Unknown item \(body.column ?? "")")
            }
            let target = try await Self.referencedKey(body.references ?? "", req: req)
            row.kind = "referential"; row.columnName = column; row.references = target
            row.name = body.name ?? "\(column) → \(target)"
        default:
            throw AppError.field(.badRequest, "invalid_kind", "kind", zh: "规则类型为 expression 或 referential", en: "kind is expression or referential")
        }
        try await row.create(on: req.db)
        return row
    }

    func remove(req: Request) async throws -> HTTPStatus {
        try await Self.removeRule(req)
        return .noContent
    }

    static func removeRule(_ req: Request) async throws {
        let (store, _) = try await load(req)
        try req.authorize(.manageQualityRules, department: store.departmentCode)
        guard let row = try await QualityRuleRow.find(req.parameters.get("id", as: UUID.self), on: req.db),
            row.resourceCode == store.resourceCode
        else { throw AppError.notFound("Rule") }
        try await row.delete(on: req.db)
    }

    // MARK: Parts

    static func load(_ req: Request) async throws -> (RecordStoreRow, ResourceRow) {
        let code = try req.parameters.require("code")
        let resource = try await CatalogService(req: req).visible(code: code)
        return (try await RecordStores.find(code, on: req.db), resource)
    }

    static func derived(_ resource: ResourceRow, on db: any Database) async throws -> [QualityRule] {
        guard let snapshot = resource.catalogSnapshot else { return [] }
        let standards = try await StandardRow.query(on: db).filter(\.$code ~~ Array(Set(snapshot.items.map(\.standardCode)))).all()
        return DerivedRules.rules(items: snapshot.items, standards: Dictionary(standards.map { ($0.code, $0.standard) }, uniquingKeysWith: { a, _ in a }))
    }

    /// `CODE.column`: a published resource whose single key is that column.
    /// A rule's reference to another store's key. Its author must be a reader of that store (the one
    /// read decision: full, a grant, or open data): a reference answers "does this key exist?" at
    /// every load, so it is a read. A store hidden from the author is answered as an unknown one.
    static func referencedKey(_ text: String, req: Request) async throws -> String {
        let db = req.db
        let parts = text.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else {
            throw AppError.field(.unprocessableEntity, "invalid_reference", "references", zh: "引用写作 资源代码.信息项", en: "references is RESOURCE-CODE.column")
        }
        let unknown = AppError.field(.unprocessableEntity, "unknown_resource", "references", zh: "未知资源：\(parts[0])", en: "Unknown resource \(parts[0])")
        guard let decided = try? await StoreReading.decide(req, code: parts[0]), decided.access != .hidden else { throw unknown }
        guard [.full, .grant, .openPortal].contains(decided.access) else {
            throw AppError.field(
                .forbidden, "no_grant", "references", zh: "引用其他部门的资源须持有其授权：\(parts[0])",
                en: "Referring to \(parts[0]) needs read access to it (a grant, or open data)")
        }
        guard let target = try await RecordStoreRow.query(on: db).filter(\.$resourceCode == parts[0]).first() else {
            throw AppError.field(.conflict, "not_published", "references", zh: "资源 \(parts[0]) 尚未发布", en: "Resource \(parts[0]) is not published")
        }
        guard target.recordLayout.keyNames == [parts[1]] else {
            throw AppError.field(
                .unprocessableEntity, "not_a_key", "references", zh: "\(parts[1]) 不是 \(parts[0]) 的主键",
                en: "\(parts[1]) is not the key of \(parts[0]) (its key: \(target.recordLayout.keyNames.joined(separator: ", ")))")
        }
        return text
    }
}

extension QualityRule: Content {}
