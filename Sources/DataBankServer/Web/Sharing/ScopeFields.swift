import Plot
import Vapor
import DataBankCore

/// The items-and-masks table of the apply form and of the decision form: one row per item,
/// a checkbox (`items`), its sensitivity, and a mask select (`mask.<column>`).
struct ScopeFields {
    struct Item {
        var column: String
        var name: String
        var primaryKey: Bool
        var sensitivity: Sensitivity?
    }

    let s: Strings
    let form: SharingFormView
    let items: [Item]
    let checked: Set<String>
    /// The selected mask per column (text form).
    let masks: [String: String]
    let defaults: [String: MaskRule]
    /// Element ids are prefixed so two forms on one page do not clash.
    var prefix = ""

    static func items(_ layout: RecordLayout, snapshot: ResourceSnapshot?) -> [Item] {
        let sensitivity = Dictionary((snapshot?.items ?? []).map { ($0.column, $0.sensitivity) }, uniquingKeysWith: { a, _ in a })
        return layout.columns.map { Item(column: $0.name, name: $0.itemName, primaryKey: $0.primaryKey, sensitivity: sensitivity[$0.name]) }
    }

    func table() -> Body {
        let rows: [[Body]] = items.map { item in
            let name = "mask.\(item.column)"
            let selected = masks[item.column] ?? defaults[item.column]?.text ?? MaskRule.clear.text
            return [
                .el("label", .cls("check"),
                    .input([.v("type", "checkbox"), .v("name", "items"), .v("value", item.column), .v("id", Forms.id(prefix + "item-" + item.column)),
                            .on("checked", checked.contains(item.column)), .v("data-testid", "\(prefix)item-\(item.column)")]),
                    .esc(" " + item.name)),
                .group([.span(.cls("code"), .esc(item.column)),
                        item.primaryKey ? .group([.text(" "), .badge(s.t("主键，总是提供", "Key, always included"), "state-notice")]) : .empty]),
                item.sensitivity.map { Body.badge(s.label($0), "sens-\($0.rawValue)") } ?? .empty,
                .group([.element(named: "select", nodes: [.attr("name", name), .attr("id", Forms.id(prefix + name)),
                                                          .attr("aria-label", s.t("\(item.name)的脱敏规则", "Mask of \(item.name)")),
                                                          .testid("\(prefix)mask-\(item.column)")]
                                 + SharingWeb.maskOptions(s, default: defaults[item.column]).map { value, label in
                                     Body.element(named: "option", nodes: [.attr("value", value), .flag("selected", value == selected), .esc(label)])
                                 }),
                        form.inline("masks.\(item.column)")]),
            ]
        }
        return .group([
            form.inline("items"),
            .dataTable([s.t("信息项", "Item"), s.t("字段", "Column"), s.t("敏感级别", "Sensitivity"), s.t("脱敏规则", "Mask")], rows,
                       testid: "\(prefix)scope-items", cls: "data compact"),
        ])
    }

    /// The chosen items and their masks from a posted form; masks only for what is visible
    /// (the chosen items and the key items), as the service expects.
    static func parse(_ form: FormData, keys: [String]) -> (items: [String], masks: [String: String]) {
        let items = form.all("items").filter { !$0.isEmpty }
        let visible = Set(items + keys)
        var masks: [String: String] = [:]
        for (name, value) in form.pairs where name.hasPrefix("mask.") {
            let column = String(name.dropFirst("mask.".count))
            if items.isEmpty || visible.contains(column) { masks[column] = value }
        }
        return (items, masks)
    }

    /// The masks as posted, for showing the form again.
    static func posted(_ form: FormData) -> [String: String] {
        var masks: [String: String] = [:]
        for (name, value) in form.pairs where name.hasPrefix("mask.") { masks[String(name.dropFirst("mask.".count))] = value }
        return masks
    }
}
