import Vapor
import DataBankCore

/// What a reader may see of a store's quality findings and column profile: the one read decision
/// (``StoreReading``) applied to values. Scores and counts say nothing of a value and stay visible to
/// whoever may see the resource; example values and findings' values go to the provider's readers
/// only; profile values to readers of the records — in clear to the provider, through the grant's
/// items and masks to a consumer, under the default masks for an openly published resource.
struct QualityRedaction: Sendable {
    /// nil: the reader may not read the records, so no value at all.
    let access: ReadAccess?
    let view: GrantView?

    /// The decision for this request, refusals kept as "no values" rather than thrown (hidden
    /// resources were answered 404 by the caller's load already).
    static func of(_ req: Request) async throws -> QualityRedaction {
        let decided = try await StoreReading.decide(req)
        switch decided.access {
        case .full: return QualityRedaction(access: .full, view: nil)
        case .grant, .openPortal:
            guard let store = decided.store else { return QualityRedaction(access: nil, view: nil) }
            return QualityRedaction(access: decided.access, view: try await StoreReading.view(decided, store: store, req: req))
        default: return QualityRedaction(access: nil, view: nil)
        }
    }

    /// A run as this reader may see it: the provider's readers see the examples and findings (stored
    /// under each item's default mask); anyone else the counts and scores only — a finding's message
    /// quotes its value, and a key's examples have no item mask, so neither leaves for them.
    func apply(_ info: QualityAPI.RunInfo) -> QualityAPI.RunInfo {
        if access == .full { return info }
        var out = info
        out.rules = info.rules.map { var r = $0; r.examples = []; return r }
        out.lines = info.lines?.map { line in
            var l = line
            l.value = nil
            l.message = "第 \(line.row) 行未通过规则 \(line.ruleID)（\(line.errorType)）"
            l.messageEn = "Row \(line.row) fails rule \(line.ruleID) (\(line.errorType))"
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
