import Fluent
import SQLKit
import Vapor
import DataBankCore

/// What a consumer may see of one record store under one grant: the columns, the rows (extra
/// conditions every read adds), and each column's mask. Built once per request from the grant;
/// every path out of a store (query, single read, export, change feed, SSE, webhook) applies it.
struct GrantView: Sendable {
    let grantID: UUID
    let consumerCode: String
    let columns: [RecordLayout.Column]
    let conditions: [RecordCondition]
    let masks: [String: MaskRule]
    let pseudonymKey: [UInt8]

    var columnNames: Set<String> { Set(columns.map(\.name)) }

    /// True when every visible column is shown as stored, so the database can render rows itself.
    var showsClearValues: Bool { columns.allSatisfy { (masks[$0.name] ?? .clear) == .clear } }

    func rule(_ column: String) -> MaskRule { masks[column] ?? .clear }

    /// The value a consumer sees.
    func mask(_ value: String?, column: String, today: CivilDate) -> String? {
        mask(value, rule: rule(column), column: column, today: today)
    }

    /// As above, with the rule already looked up (loops over many rows look it up once).
    func mask(_ value: String?, rule: MaskRule, column: String, today: CivilDate) -> String? {
        if rule == .clear { return value }
        return Masker.apply(
            rule, to: value, pseudonym: { Pseudonyms.token($0, rule: rule, consumer: consumerCode, key: pseudonymKey) },
            today: today)
    }

    /// A filter, sort or field the consumer names must be one it may see in clear: filtering on a
    /// masked column would let it probe the values the mask hides.
    func requireClear(_ column: String, parameter: String) throws {
        guard columnNames.contains(column) else {
            throw AppError.field(
                .forbidden, "item_not_granted", parameter, zh: "授权范围不含数据项：\(column)",
                en: "Your grant does not include the item \(column)")
        }
        guard rule(column) == .clear else {
            throw AppError.field(
                .forbidden, "item_masked", parameter, zh: "数据项 \(column) 经脱敏提供，不能用于筛选或排序",
                en: "The item \(column) is masked in your grant, so it cannot be filtered or sorted on")
        }
    }
}

/// Finds the grant a reader holds on a resource and turns it into a ``GrantView``.
enum GrantAccess {
    /// Today in the city (UTC+8), as grants' validity dates are written; `now` from the app's clock
    /// (``Application/today``), so tests can move it.
    static func today(_ now: Date = Date()) -> CivilDate {
        CivilDate(daysSinceEpoch: Int(((now.timeIntervalSince1970 + 8 * 3600) / 86_400).rounded(.down)))
    }

    /// The active resource grant of `consumer` on `resource`; with `appID`, only grants bound to that app.
    /// The newest active grant wins when several are valid.
    /// One SQL query (every consumer read pays for it), reading only what the view needs.
    static func activeGrant(consumer: String, resource: String, appID: UUID?, today: CivilDate, on db: any Database) async throws -> ActiveGrant? {
        let today = today.iso
        let boundToApp: SQLQueryString = appID.map { "AND g.id IN (SELECT grant_id FROM app_grants WHERE app_id = \(bind: $0))" } ?? ""
        guard
            let row = try await db.sql.raw(
                """
                SELECT g.id, g.consumer_code, g.scope FROM grants AS g
                WHERE g.consumer_code = \(bind: consumer) AND g.resource_code = \(bind: resource) AND g.kind = 'resource'
                  AND g.revoked_at IS NULL AND g.valid_from <= \(bind: today) AND g.valid_until >= \(bind: today) \(boundToApp)
                ORDER BY g.created_at DESC LIMIT 1
                """
            ).first()
        else { return nil }
        return ActiveGrant(
            id: try row.decode(column: "id", as: UUID.self), consumerCode: try row.decode(column: "consumer_code", as: String.self),
            scope: JSONText.decode(GrantScope.self, try row.decode(column: "scope", as: String.self)) ?? GrantScope(items: []))
    }

    /// What enforcement needs of a grant.
    struct ActiveGrant: Sendable {
        var id: UUID
        var consumerCode: String
        var scope: GrantScope
        init(id: UUID, consumerCode: String, scope: GrantScope) { self.id = id; self.consumerCode = consumerCode; self.scope = scope }
        init(_ g: GrantRow) throws { self.init(id: try g.requireID(), consumerCode: g.consumerCode, scope: g.grantScope) }
    }

    /// The reader's view of the store under `grant`; a grant whose items no longer exist shows nothing of them.
    static func view(_ grant: ActiveGrant, store: RecordStoreRow, app: Application, on db: any Database) async throws -> GrantView {
        let layout = store.recordLayout
        let scope = grant.scope
        let conditions: [RecordCondition]
        switch scope.conditions(layout: layout) {
        case .success(let c): conditions = c
        case .failure(let e): throw AppError(.conflict, "grant_outdated", "The grant's row scope no longer fits the resource: \(e.messageEn)", details: [e])
        }
        return GrantView(
            grantID: grant.id, consumerCode: grant.consumerCode, columns: scope.visibleColumns(layout: layout),
            conditions: conditions, masks: scope.masks, pseudonymKey: try await Pseudonyms.key(app: app, on: db))
    }

    /// Each item's default mask, from its sensitivity and its standard's semantic kind.
    static func defaultMasks(resource: ResourceRow, on db: any Database) async throws -> [String: MaskRule] {
        try await defaultMasks(resource: resource, epoch: nil, app: nil, on: db)
    }

    /// ``defaultMasks(resource:on:)``, cached for the access epoch `epoch` (resources and standards move it).
    static func defaultMasks(resource: ResourceRow, epoch: Int64?, app: Application?, on db: any Database) async throws -> [String: MaskRule] {
        let cache = app?.readCaches.defaultMasks
        if let epoch, let cached = cache?.value(resource.code, epoch: epoch) { return cached }
        let masks = try await computeDefaultMasks(resource: resource, on: db)
        if let epoch { cache?.store(masks, resource.code, epoch: epoch) }
        return masks
    }

    private static func computeDefaultMasks(resource: ResourceRow, on db: any Database) async throws -> [String: MaskRule] {
        try await defaultMasks(snapshot: resource.catalogSnapshot, on: db)
    }

    /// The default masks of a published snapshot's items (also another node's, from the federated catalog:
    /// the standards are national, so this node's name the same kinds).
    static func defaultMasks(snapshot: ResourceSnapshot?, on db: any Database) async throws -> [String: MaskRule] {
        guard let snapshot else { return [:] }
        let codes = Array(Set(snapshot.items.map(\.standardCode)))
        let standards = try await StandardRow.query(on: db).filter(\.$code ~~ codes).all()
        let semantic = Dictionary(standards.map { ($0.code, SemanticKind(rawValue: $0.semanticKind) ?? .plain) }, uniquingKeysWith: { a, _ in a })
        return Dictionary(
            snapshot.items.map { item in
                (item.column, Masker.defaultRule(semantic: semantic[item.standardCode] ?? .plain, sensitivity: item.sensitivity))
            }, uniquingKeysWith: { a, _ in a })
    }
}

extension Application {
    /// Today in the city (UTC+8) by the platform's clock (``Settings/now``).
    var today: CivilDate { GrantAccess.today(settings.now()) }
}
