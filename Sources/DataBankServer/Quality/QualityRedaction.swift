import Vapor
import DataBankCore

/// What a reader may see of a store's quality findings and column profile: the one read decision
/// (``StoreReading``) applied to values. Scores and counts say nothing of a value and stay visible to
/// whoever may see the resource; example values, report lines and profile values go to readers of
/// the records only — in clear to the provider, through the grant's items and masks to a consumer,
/// under the default masks for an openly published resource.
struct QualityRedaction: Sendable {
    /// nil: the reader may not read the records, so no value at all.
    let access: ReadAccess?
    let view: GrantView?
    /// How many columns the store has (a grant showing them all, in clear, unscoped, sees what the provider sees).
    var allColumns = 0

    /// The decision for this request, refusals kept as "no values" rather than thrown (hidden
    /// resources were answered 404 by the caller's load already).
    static func of(_ req: Request) async throws -> QualityRedaction {
        let decided = try await StoreReading.decide(req)
        switch decided.access {
        case .full: return QualityRedaction(access: .full, view: nil)
        case .grant, .openPortal:
            guard let store = decided.store else { return QualityRedaction(access: nil, view: nil) }
            return QualityRedaction(access: decided.access, view: try await StoreReading.view(decided, store: store, req: req),
                                    allColumns: store.recordLayout.columns.count)
        default: return QualityRedaction(access: nil, view: nil)
        }
    }

    /// Whether the reader sees stored values of `column` (nil: a value of no one column, like a rule's
    /// example row). Examples are stored under the item's default mask — what the open portal shows;
    /// a grant shows them only for its clear items and only without a row scope (a finding or a profile
    /// covers every row, also those outside the scope).
    func showsValues(of column: String?) -> Bool {
        switch access {
        case .full?: return true
        case .openPortal?: return column.map { view?.columnNames.contains($0) ?? false } ?? true
        case .grant?:
            guard let view, view.conditions.isEmpty else { return false }
            guard let column else { return view.showsClearValues && view.columns.count == allColumns }
            return view.columnNames.contains(column) && view.rule(column) == .clear
        default: return false
        }
    }

    /// A run as this reader may see it: rule examples only where every value could be shown.
    func apply(_ info: QualityAPI.RunInfo) -> QualityAPI.RunInfo {
        if access == .full { return info }
        var out = info
        if !showsValues(of: nil) { out.rules = info.rules.map { var r = $0; r.examples = []; return r } }
        out.lines = info.lines?.map { line in
            var l = line
            if !showsValues(of: line.column) { l.value = nil }
            return l
        }
        return out
    }

    /// A profile as this reader may see it: the grant's items only; values masked for masked items,
    /// withheld (with their shapes) where the reader may not see them; nil for a reader of no records.
    func apply(_ summary: ProfileSummary) -> ProfileSummary? {
        guard let access else { return nil }
        guard access != .full, let view else { return summary }
        let today = GrantAccess.today()
        var out = summary
        out.columns = summary.columns.compactMap { c in
            guard view.columnNames.contains(c.name) else { return nil }
            let rule = view.rule(c.name)
            if access == .grant && !view.conditions.isEmpty {
                // The profile covers rows outside the grant's scope: counts only.
                var withheld = c.masking { _ in nil }
                withheld.patterns = []
                return withheld
            }
            guard rule != .clear else { return c }
            var masked = c.masking { view.mask($0, rule: rule, column: c.name, today: today) }
            masked.patterns = []
            return masked
        }
        return out
    }
}
