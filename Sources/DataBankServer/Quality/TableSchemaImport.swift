import Fluent
import Foundation
import Vapor
import DataBankCore

/// Importing a Table Schema: check it against a resource, apply it, or register a new draft from it.
/// Load → authorize → validate everything (schema, standards, rule compilation, references) →
/// act in one transaction, so nothing is saved on any error.
enum TableSchemaImport {
    struct CheckResult: Content {
        var code: String
        var matches: Bool
        var differences: [SchemaDifference]
    }

    /// `mode=check`: the differences between the schema and the items the caller sees.
    static func check(_ req: Request, _ parsed: TableSchema) async throws -> CheckResult {
        let (row, snapshot) = try await TableSchemaAPI.visibleSnapshot(req)
        let own = try await TableSchemaAPI.schema(of: snapshot, code: row.code, on: req.db)
        let differences = parsed.differences(from: own)
        return CheckResult(code: row.code, matches: differences.isEmpty, differences: differences)
    }

    struct ApplyResult: Content {
        var code: String
        /// `items` (an editable resource's items were replaced) or `rules` (a published resource gained rules).
        var applied: String
        var version: Int
        var items: [InformationItem]?
        var rulesAdded: [QualityRule]
        /// Constraints no item or rule can hold (`fields[2].constraints.unique`).
        var notKept: [String]
        /// For `rules`: what the schema says that rules cannot change (fields, types, key).
        var notApplied: [SchemaDifference]
    }

    /// `mode=apply`: on an editable resource (draft, or a change being prepared) the schema's
    /// fields replace the items, through `CatalogService.update` (validation, revision, version
    /// lock: pass `version=` to guard against a concurrent edit); on a published resource the
    /// schema's extra constraints become written rules and nothing else changes.
    static func apply(_ req: Request, _ parsed: TableSchema) async throws -> ApplyResult {
        let user = try req.requireUser()
        let service = CatalogService(req: req)
        let row = try await service.visible(code: try req.parameters.require("code"))
        if row.state.isEditable {
            try service.authorize(.editResource, row.departmentCode)
            var snapshot = try await service.workingSnapshot(row)
            let standards = try await TableSchemaAPI.standards(on: req.db)
            let draft: TableSchema.ItemDraft
            do { draft = try parsed.itemDraft(standards: standards.values.sorted { $0.code < $1.code }) } catch { throw TableSchemaAPI.appError(error) }
            snapshot.items = draft.items
            let layout = RecordLayout(snapshot, precision: standards.compactMapValues(\.precision))
            let rows = try await ruleRows(req, code: row.code, draft.rules, references: draft.references, layout: layout, by: user)
            let version = req.query[Int.self, at: "version"] ?? row.version
            let noticeDays = req.application.settings.noticeDays
            let edited = snapshot
            let updated = try await req.db.transaction { tx in
                let updated = try await CatalogService(db: tx, user: user, noticeDays: noticeDays).update(code: row.code, version: version, snapshot: edited)
                for rule in rows { try await rule.create(on: tx) }
                return updated
            }
            return ApplyResult(code: row.code, applied: "items", version: updated.version, items: draft.items, rulesAdded: rows.map(\.rule),
                               notKept: draft.notKept, notApplied: [])
        }
        try req.authorize(.manageQualityRules, department: row.departmentCode)
        guard row.publishedRevision != nil else {
            throw AppError(.conflict, "not_editable", "Resource \(row.code) is \(row.state.en.lowercased()): neither editable nor published")
        }
        let store = try await RecordStores.find(row.code, on: req.db)
        let own = try await TableSchemaAPI.schema(of: row.catalogSnapshot!, code: row.code, on: req.db)
        let beyond = parsed.rulesBeyond(own)
        var references: [(column: String, references: String)] = []
        for (i, fk) in parsed.foreignKeys.enumerated() {
            guard fk.fields.count == 1, !fk.resource.isEmpty else {
                throw AppError.field(.unprocessableEntity, "unsupported_foreign_key", "foreignKeys[\(i)]",
                                     zh: "DataBank 的引用规则是一列引用另一资源的主键", en: "DataBank's referential rules take one column to another resource's key")
            }
            references.append((fk.fields[0], "\(fk.resource).\(fk.referenceFields[0])"))
        }
        let rows = try await ruleRows(req, code: row.code, beyond.rules + parsed.writtenRules, references: references, layout: store.recordLayout, by: user)
        try await req.db.transaction { tx in for rule in rows { try await rule.create(on: tx) } }
        let structural = parsed.differences(from: own).filter { $0.kind != "constraint_difference" }
        return ApplyResult(code: row.code, applied: "rules", version: row.version, items: nil, rulesAdded: rows.map(\.rule),
                           notKept: beyond.notKept, notApplied: structural)
    }

    /// The rule rows to add, each compiled against the layout (or its reference checked); rules
    /// the resource already has are skipped. Nothing is written here.
    static func ruleRows(_ req: Request, code: String, _ rules: [TableSchema.WrittenRule], references: [(column: String, references: String)],
                         layout: RecordLayout, by user: User) async throws -> [QualityRuleRow] {
        let existing = try await QualityRuleRow.query(on: req.db).filter(\.$resourceCode == code).all()
        var seen = Set(existing.compactMap { $0.expression } + existing.compactMap { r in r.references.map { "\(r.columnName ?? "")→\($0)" } })
        var rows: [QualityRuleRow] = []
        var written = 0
        for rule in rules {
            // Rules from constraints are named after them; `databank:rules` are counted in order.
            let field = rule.name?.hasPrefix("tableschema:") == true ? rule.name! : "databank:rules[\(written)].expression"
            if rule.name?.hasPrefix("tableschema:") != true { written += 1 }
            if case .failure(let e) = RuleCompiler.compile(rule.expression, layout: layout) {
                throw AppError(.unprocessableEntity, e.code, "\(field): \(e.messageEn) (at character \(e.position + 1))",
                               details: [e.fieldError(field)])
            }
            guard seen.insert(rule.expression).inserted else { continue }
            let row = QualityRuleRow()
            row.resourceCode = code; row.createdBy = user.username
            row.kind = "expression"; row.expression = rule.expression; row.name = rule.name ?? rule.expression
            rows.append(row)
        }
        for (i, reference) in references.enumerated() {
            guard layout.column(named: reference.column) != nil else {
                throw AppError.field(.unprocessableEntity, "unknown_item", "foreignKeys[\(i)].fields", zh: "未知信息项：\(reference.column)", en: "Unknown item \(reference.column)")
            }
            let target: String
            do { target = try await QualityRulesAPI.referencedKey(reference.references, req: req) } catch let e as AppError {
                throw AppError(e.status, e.code, "foreignKeys[\(i)].reference: \(e.message)",
                               details: e.details.map { FieldError(field: "foreignKeys[\(i)].reference", code: $0.code, message: $0.message, messageEn: $0.messageEn) })
            }
            guard seen.insert("\(reference.column)→\(target)").inserted else { continue }
            let row = QualityRuleRow()
            row.resourceCode = code; row.createdBy = user.username
            row.kind = "referential"; row.columnName = reference.column; row.references = target
            row.name = "\(reference.column) → \(target)"
            rows.append(row)
        }
        return rows
    }

    struct Created: Content {
        var code: String
        var version: Int
        var items: [InformationItem]
        var rulesAdded: [QualityRule]
        var notKept: [String]
    }

    /// `POST /api/v1/resources/from-tableschema` with `{"resource": {…metadata…}, "schema": {…Table Schema…}}`:
    /// a new draft whose items come from the schema (`resource.items`, if given, is ignored).
    /// Schema problems are reported under `schema.` (`schema.fields[3].type`).
    static func create(_ req: Request) async throws -> Created {
        let user = try req.requireUser()
        guard let body = req.body.data, body.readableBytes > 0 else {
            throw AppError.field(.badRequest, "required", "body", zh: "请提交 {\"resource\": …, \"schema\": …}", en: "Send {\"resource\": …, \"schema\": …}")
        }
        let document: JSONValue
        do { document = try JSONReader.parse(Array(body.readableBytesView)) } catch { throw TableSchemaAPI.appError(error) }
        guard let schemaValue = document["schema"], var resourceValue = document["resource"]?.objectValue else {
            throw AppError.field(.unprocessableEntity, "required", document["schema"] == nil ? "schema" : "resource",
                                 zh: "请求须含 resource（资源元数据）与 schema（Table Schema）", en: "the body holds resource (metadata) and schema (Table Schema)")
        }
        let parsed: TableSchema
        do { parsed = try TableSchema.parse(schemaValue) } catch { throw TableSchemaAPI.appError(prefixed(error)) }
        let standards = try await TableSchemaAPI.standards(on: req.db)
        let draft: TableSchema.ItemDraft
        do { draft = try parsed.itemDraft(standards: standards.values.sorted { $0.code < $1.code }) } catch { throw TableSchemaAPI.appError(prefixed(error)) }
        resourceValue.removeAll { $0.key == "items" }
        resourceValue.append((key: "items", value: .array([])))
        var snapshot = try JSONDecoder().decode(ResourceSnapshot.self, from: Data(JSONValue.object(resourceValue).serialized().utf8))
        snapshot.items = draft.items
        let layout = RecordLayout(snapshot, precision: standards.compactMapValues(\.precision))
        let rows = try await ruleRows(req, code: snapshot.code, draft.rules, references: draft.references, layout: layout, by: user)
        let noticeDays = req.application.settings.noticeDays
        let registered = snapshot
        let created = try await req.db.transaction { tx in
            let created = try await CatalogService(db: tx, user: user, noticeDays: noticeDays).create(registered)
            for rule in rows { try await rule.create(on: tx) }
            return created
        }
        return Created(code: created.code, version: created.version, items: draft.items, rulesAdded: rows.map(\.rule), notKept: draft.notKept)
    }

    static func prefixed(_ error: TableSchemaError) -> TableSchemaError {
        TableSchemaError(error.problems.map { p in var p = p; p.path = p.path.isEmpty ? "schema" : "schema." + p.path; return p })
    }
}

extension SchemaDifference: Content {}
