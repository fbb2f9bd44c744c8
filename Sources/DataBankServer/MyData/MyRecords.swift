import Fluent
import SQLKit
import Vapor
import DataBankCore

/// The records about one subject across every subject-visible resource (我的数据), each through the
/// provider's chosen items and masks, grouped by department.
enum MyRecords {
    /// Rows per resource a page shows at most (a person has a few hundred monthly records in a resource).
    static let limit = 500

    struct Column: Content, Equatable {
        var name: String
        var label: String
    }

    /// One record as the subject sees it: an opaque reference (for an objection) and its shown values.
    struct Record: Content, Equatable {
        /// A keyed token of the record's key, this subject's own (``MyRecords/reference(_:subject:key:)``):
        /// the key itself may be an item the provider masks.
        var ref: String
        /// The shown values by column, masked as the provider chose.
        var values: [String: String?]
    }

    struct Resource: Content {
        var code: String
        var name: String
        var columns: [Column]
        /// The records about the subject, in the store's key order.
        var records: [Record]
        /// Whether more records exist than ``MyRecords/limit``.
        var truncated: Bool
        /// The meaning of coded values (险种类型 "110" 基本养老保险): column → code → label, for the code-list items shown.
        var codeLabels: [String: [String: String]] = [:]
    }

    struct Department: Content {
        var code: String
        var name: String
        var resources: [Resource]
    }

    struct Answer: Content {
        var kind: SubjectKind
        var name: String?
        var departments: [Department]
    }

    /// Stands for "the subject's own view" where a view names its grant.
    static let subjectViewGrant = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1))

    /// The subject's own view of a store: the provider's items and masks, only the rows whose subject
    /// column holds the subject's key (a row scope, as a grant's, so the key needs no clear filter).
    /// The key items are read too (never shown unless the provider chose them): they make each record's reference.
    static func view(_ view: SubjectView, store: RecordStoreRow, subject: SignedInSubject, pseudonymKey: [UInt8]) -> GrantView? {
        let layout = store.recordLayout
        guard let column = layout.column(named: view.subjectColumn) else { return nil }
        let read = Set(view.masks.keys).union(layout.keyNames)
        return GrantView(
            grantID: subjectViewGrant, consumerCode: subject.actor.consumerCode, columns: layout.columns.filter { read.contains($0.name) },
            conditions: [RecordCondition(column: column, op: .eq, values: [subject.key])], masks: view.masks, pseudonymKey: pseudonymKey)
    }

    /// A record's reference for this subject: a keyed hash of the store and the record's key, so a page
    /// or a script can name the record without the key (which the provider may mask) and no subject's
    /// reference names another's record.
    static func reference(_ store: String, keyText: String, subject: SignedInSubject, key: [UInt8]) -> String {
        Pseudonyms.token(store + "\u{1F}" + keyText, rule: .pseudonym(perConsumer: true), consumer: subject.actor.consumerCode, key: key)
    }

    /// The subject's records of one store: each record's reference, key text and shown values (at most `limit` + 1).
    /// One query reads the shown items and the key as stored; the provider's masks are applied here, by
    /// the same ``GrantView/mask(_:rule:column:today:)`` every grant's reads use.
    static func records(
        _ subjectView: SubjectView, store: RecordStoreRow, subject: SignedInSubject, pseudonymKey: [UInt8], limit: Int, on sql: any SQLDatabase
    ) async throws -> (columns: [RecordLayout.Column], records: [(ref: String, keyText: String, values: [String: String?])]) {
        guard let masked = view(subjectView, store: store, subject: subject, pseudonymKey: pseudonymKey) else { return ([], []) }
        let stored = GrantView(
            grantID: masked.grantID, consumerCode: masked.consumerCode, columns: masked.columns, conditions: masked.conditions, masks: [:],
            pseudonymKey: pseudonymKey)
        let query = try RecordQuery(store: store, params: [], fields: nil, sort: nil, view: stored)
        let page = try await query.csvPage(after: nil, limit: limit + 1, on: sql)
        let layout = store.recordLayout
        let keyIndexes = layout.keyNames.compactMap { name in query.fields.firstIndex { $0.name == name } }
        let shown = query.fields.enumerated().filter { subjectView.masks[$0.element.name] != nil }
        let today = GrantAccess.today()
        let records = page.rows.map { cells in
            let keyText = keyIndexes.map { cells[$0] ?? "" }.joined(separator: ",")
            var values: [String: String?] = [:]
            for (i, c) in shown { values[c.name] = masked.mask(cells[i], rule: masked.rule(c.name), column: c.name, today: today) }
            return (reference(store.resourceCode, keyText: keyText, subject: subject, key: pseudonymKey), keyText, values)
        }
        return (subjectView.shownColumns(layout: layout), records)
    }

    /// Reads every subject-visible resource of the subject's kind, and audits one entry per resource
    /// that held records about the subject (`my.records`, the subject as actor and as subject).
    static func gather(_ subject: SignedInSubject, _ req: Request) async throws -> Answer {
        let views = try await SubjectViews.all(kind: subject.kind, on: req.db)
        let pseudonymKey = try await Pseudonyms.key(app: req.application, on: req.db)
        let language = req.language
        var byDepartment: [String: [Resource]] = [:]
        var drafts: [AuditLog.Draft] = []
        let who = AuditLog.Who(kind: "subject", id: subject.hash, name: "subject", departmentCode: nil)
        for (resource, store, subjectView) in views {
            let found = try await records(subjectView, store: store, subject: subject, pseudonymKey: pseudonymKey, limit: limit, on: req.readSQL)
            guard !found.records.isEmpty else { continue }
            let labels = Dictionary(
                (resource.catalogSnapshot?.items ?? []).map { ($0.column, $0.name) }, uniquingKeysWith: { a, _ in a })
            let columns = found.columns.map { Column(name: $0.name, label: labels[$0.name] ?? $0.name) }
            let rows = found.records.prefix(limit).map { Record(ref: $0.ref, values: $0.values) }
            byDepartment[resource.departmentCode, default: []].append(
                Resource(
                    code: resource.code, name: language == "en" ? (resource.nameEn ?? resource.name) : resource.name, columns: columns,
                    records: Array(rows), truncated: found.records.count > limit,
                    codeLabels: try await RecordsBrowser.codeLabels(resource, on: req.db).filter { subjectView.masks[$0.key] == .clear }))
            var draft = AuditLog.Draft(
                who, resource: resource.code, operation: "my.records", fields: columns.map(\.name), count: rows.count, purpose: "本人查询",
                requestID: req.id, requestHash: nil)
            draft.subjects = SubjectHashes(hex: [subject.hash])
            drafts.append(draft)
        }
        try await AuditLog.append(drafts, on: req.db, trail: req.application.auditTrail)
        let names = try await Directory.departmentNames(on: req.db, language: language)
        return Answer(
            kind: subject.kind, name: subject.name,
            departments: byDepartment.keys.sorted().map { Department(code: $0, name: names[$0] ?? $0, resources: byDepartment[$0] ?? []) })
    }

    /// The accesses of others to the subject's data, with department and resource names.
    static func accesses(_ subject: SignedInSubject, _ req: Request, limit: Int = 200) async throws -> [AuditSubjects.Access] {
        var found = try await AuditSubjects.accesses(of: subject.hash, limit: limit, on: req.db.sql)
        guard !found.isEmpty else { return [] }
        let names = try await Directory.departmentNames(on: req.db, language: req.language)
        let codes = Array(Set(found.compactMap(\.resource)))
        let resources = try await ResourceRow.query(on: req.db).filter(\.$code ~~ codes).all()
        let resourceNames = Dictionary(
            resources.map { ($0.code, req.language == "en" ? ($0.nameEn ?? $0.name) : $0.name) }, uniquingKeysWith: { a, _ in a })
        // A joint check's own entry names no resource: the check's name says what was asked.
        let checkCodes = Array(
            Set(found.filter { $0.resource == nil && $0.kind == "joint_check" }.map { String($0.operation.dropFirst("joint-check.".count)) }))
        let checks = checkCodes.isEmpty ? [] : try await JointCheckRow.query(on: req.db).filter(\.$code ~~ checkCodes).all()
        let checkNames = Dictionary(
            checks.map { ($0.code, req.language == "en" ? ($0.nameEn ?? $0.name) : $0.name) }, uniquingKeysWith: { a, _ in a })
        for i in found.indices {
            found[i].departmentName = found[i].department.flatMap { names[$0] }
            found[i].resourceName =
                found[i].resource.flatMap { resourceNames[$0] } ?? checkNames[String(found[i].operation.dropFirst("joint-check.".count))]
        }
        return found
    }
}
