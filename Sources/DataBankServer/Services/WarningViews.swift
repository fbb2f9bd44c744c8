import Fluent
import Vapor
import DataBankCore

/// What a reader sees of warnings: each value through the reader's own view of the watched store — the one
/// read decision (``StoreReading``), taken once per store — so a subscriber whose grant masks a column sees
/// it masked, a value derived from a masked or hidden column is withheld, and a reader who may not read
/// the store sees the warning without its values.
struct WarningViews {
    let actor: Actor?
    let app: Application
    let db: any Database
    private var views: [String: Access] = [:]

    enum Access { case clear, view(GrantView), none }

    init(actor: Actor?, app: Application, on db: any Database) { self.actor = actor; self.app = app; self.db = db }

    /// The warnings as this reader sees them (`rules`: the warnings' rules by code), with their events when asked.
    mutating func infos(_ rows: [WarningRow], rules: [String: WarningRule], events: [UUID: [WarningInfo.Event]] = [:]) async throws -> [WarningInfo] {
        var out: [WarningInfo] = []
        out.reserveCapacity(rows.count)
        for row in rows {
            let access = try await access(row.resourceCode)
            let rule = rules[row.ruleCode]
            let entityColumns = Set(rule?.entity ?? [])
            var shown: [WarningValue] = []
            var withheld = 0
            for value in row.warningValues {
                if let v = visible(value, access) { shown.append(v) } else { withheld += 1 }
            }
            let entity = shown.filter { !$0.isDerived && entityColumns.contains($0.column) }.map(\.value)
            out.append(
                WarningInfo(
                    id: row.id ?? UUID(), seq: row.seq, rule: row.ruleCode, ruleName: rule?.name ?? row.ruleCode, ruleNameEn: rule?.nameEn,
                    resource: row.resourceCode,
                    entity: entity.isEmpty ? "—" : entity.joined(separator: "|"), state: row.state, values: shown, withheld: withheld,
                    firings: row.firings, firstFiredAt: row.firstFiredAt, lastFiredAt: row.lastFiredAt, assignedTo: row.assignedTo,
                    events: row.id.flatMap { events[$0] }))
        }
        return out
    }

    /// One value as the reader may see it, nil when withheld.
    func visible(_ value: WarningValue, _ access: Access) -> WarningValue? {
        switch access {
        case .clear: return value
        case .none: return nil
        case .view(let view):
            if value.column.isEmpty { return value }  // a count of past records: no column's value
            guard view.columnNames.contains(value.column) else { return nil }
            let rule = view.rule(value.column)
            if rule == .clear { return value }
            // An aggregate of a masked column would reveal what the mask hides.
            guard !value.isDerived, let masked = view.mask(value.value, rule: rule, column: value.column, today: app.today) else { return nil }
            return WarningValue(name: value.name, column: value.column, value: masked)
        }
    }

    /// The reader's access to a store, decided once.
    mutating func access(_ resource: String) async throws -> Access {
        if let known = views[resource] { return known }
        var access = Access.none
        if let decided = try await StoreReading.decide(actor: actor, app: nil, code: resource, today: app.today, on: db), let store = decided.store,
            [.full, .grant, .openPortal].contains(decided.access)
        {
            let view = try await StoreReading.view(decided, store: store, reader: actor?.consumerCode, app: app, on: db)
            access = view.map { .view($0) } ?? .clear
        }
        views[resource] = access
        return access
    }
}
