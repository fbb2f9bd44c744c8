/// What a grant lets a consumer see of one resource: which columns, which rows, and how
/// each column's values are masked.
///
/// Stored as JSON with the application and the grant:
/// `{"items":["name","mobile"],"rowFilter":[{"column":"region","op":"eq","values":["440605"]}],
///   "masks":{"mobile":{"rule":"mask","kind":"mobile"}}}`.
public struct GrantScope: Codable, Hashable, Sendable {
    /// Column names allowed. Key columns need not be listed: they are always returned (see `visibleColumns`).
    public var items: [String]
    /// Row conditions; a row is visible only when all hold.
    public var rowFilter: [ScopeCondition]
    /// Per-column rules; a column absent here uses its default rule (`Masker.defaultRule`).
    public var masks: [String: MaskRule]

    public init(items: [String], rowFilter: [ScopeCondition] = [], masks: [String: MaskRule] = [:]) {
        self.items = items; self.rowFilter = rowFilter; self.masks = masks
    }

    /// The rule for `column`: the grant's own, else the given default.
    public func rule(for column: String, default defaultRule: MaskRule) -> MaskRule { masks[column] ?? defaultRule }

    /// The layout's columns the consumer receives, in layout order: the granted items plus the
    /// key columns, so every record can be addressed (keys are still masked by their rule).
    public func visibleColumns(layout: RecordLayout) -> [RecordLayout.Column] {
        let allowed = Set(items)
        return layout.columns.filter { allowed.contains($0.name) || $0.primaryKey }
    }

    /// Problems with the scope against the resource's current layout.
    public func validate(against layout: RecordLayout) -> [FieldError] {
        var problems: [FieldError] = []
        if items.isEmpty {
            problems.append(FieldError(field: "items", code: "no_items", message: "请至少选择一个信息项",
                                       messageEn: "Choose at least one item"))
        }
        var seen = Set<String>()
        for name in items {
            if layout.column(named: name) == nil { problems.append(.unknownItem(name, field: "items")) }
            if !seen.insert(name).inserted {
                problems.append(FieldError(field: "items", code: "duplicate_item", message: "信息项重复：\(name)",
                                           messageEn: "Item \(name) is listed twice"))
            }
        }
        for (i, condition) in rowFilter.enumerated() {
            if let column = layout.column(named: condition.column) {
                if let problem = condition.problem(column: column, field: "rowFilter[\(i)]") { problems.append(problem) }
            } else {
                problems.append(.unknownItem(condition.column, field: "rowFilter"))
            }
        }
        // Key columns are always visible (see `visibleColumns`), so they may carry a mask without being listed.
        for column in masks.keys.sorted() {
            let visible = layout.column(named: column).map { seen.contains($0.name) || $0.primaryKey } ?? false
            if visible { continue }
            problems.append(FieldError(field: "masks.\(column)", code: "unknown_item",
                                       message: "脱敏规则指向未申请或不存在的信息项：\(column)",
                                       messageEn: "The mask names \(column), which is not a granted item of this resource"))
        }
        return problems
    }

    /// Whether `self` grants no more than `wider` (for "approve part"): its items are a subset,
    /// it keeps every row condition of `wider` (and may add more), and no column masked by both
    /// is revealed more by `self` (`Masker.isUnmasking` with `wider`'s rule as the reference).
    ///
    /// Without the columns' default rules a mask present on one side only cannot be compared;
    /// then `wider`'s explicit mask must be kept, while a mask `self` adds is accepted (the server
    /// still checks every explicit mask against the default and asks a reason for unmasking).
    /// Pass `defaults` to compare such columns exactly.
    public func isNarrowing(of wider: GrantScope, defaults: [String: MaskRule] = [:]) -> Bool {
        guard Set(items).isSubset(of: Set(wider.items)) else { return false }
        guard wider.rowFilter.allSatisfy(rowFilter.contains) else { return false }
        for column in Set(masks.keys).union(wider.masks.keys) {
            let mine = masks[column] ?? defaults[column]
            let theirs = wider.masks[column] ?? defaults[column]
            switch (mine, theirs) {
            case let (mine?, theirs?): if Masker.isUnmasking(mine, comparedTo: theirs) { return false }
            // A column `self` no longer grants needs no mask; one it still grants must keep `wider`'s.
            case (nil, .some): if items.contains(column) { return false }
            default: continue
            }
        }
        return true
    }
}

extension FieldError {
    /// `unknown_item`: a column the resource does not have (or no longer has).
    static func unknownItem(_ name: String, field: String) -> FieldError {
        FieldError(field: field, code: "unknown_item", message: "资源没有信息项：\(name)",
                   messageEn: "The resource has no item \(name)")
    }
}
