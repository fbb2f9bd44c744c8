/// An early-warning rule (预警规则): a condition watched on a store's new and changed records, written in
/// the quality rules' language (``RuleLanguage``) with the warning functions besides:
///
/// - `prev(col)` — the entity's previous record's value;
/// - `avg_prior(col, n)`, `min_prior`, `max_prior`, `sum_prior` — over its `n` previous records (null
///   unless `n` exist), `count_prior(n)` — how many of them exist;
/// - `listed_in('resource', 'column', col)` — whether this record's value appears in another resource.
///
/// The entity is named by `entity` (e.g. `credit_code`), its records ordered by `order` (e.g. `month`):
/// "an enterprise's monthly electricity use down more than 40 % against its 3-month mean" is
///
/// ```json
/// {"code": "power-drop", "name": "企业用电量骤降", "resource": "390024-00001",
///  "condition": "kwh < 0.6 * avg_prior(kwh, 3)", "entity": ["credit_code"], "order": "month",
///  "subscribers": ["440600005"], "mergeHours": 720}
/// ```
///
/// A warning fires when the condition is **true** (null — a missing value, too short a history — never
/// fires). A firing for an entity and rule that already has an open warning raised within `mergeHours`
/// is merged into it (``merges(openedSecondsAgo:)``).
public struct WarningRule: Codable, Hashable, Sendable {
    public var code: String
    public var name: String
    public var nameEn: String?
    /// The watched resource (its store).
    public var resource: String
    public var condition: String
    /// The columns naming the entity a warning is about.
    public var entity: [String]
    /// The column that orders an entity's records (needed by the history functions).
    public var order: String?
    /// Columns whose values a warning carries besides the condition's (what a reader needs to act).
    public var show: [String]?
    /// The departments it is delivered to.
    public var subscribers: [String]
    /// Firings for the same entity within this many hours of an open warning are merged into it.
    public var mergeHours: Int?

    public static let defaultMergeHours = 720
    /// Each subscriber's read of the store is decided when the rule is saved: a bounded list.
    public static let maxSubscribers = 50

    public init(
        code: String, name: String, nameEn: String? = nil, resource: String, condition: String, entity: [String], order: String? = nil,
        show: [String]? = nil, subscribers: [String], mergeHours: Int? = nil
    ) {
        self.code = code; self.name = name; self.nameEn = nameEn; self.resource = resource; self.condition = condition
        self.entity = entity; self.order = order; self.show = show; self.subscribers = subscribers; self.mergeHours = mergeHours
    }

    /// The condition compiled against the store's layout (history functions allowed).
    public func compile(layout: RecordLayout) -> Result<CompiledRule, ExpressionError> {
        RuleCompiler.compile(condition, layout: layout, allowsHistory: true)
    }

    /// Every problem against the store's layout and the departments that exist, each at its field
    /// (`condition` with the position of the fault).
    public func problems(layout: RecordLayout, departments: Set<String>) -> [FieldError] {
        var out = DefinitionProblems.codeAndName(code: code, name: name, what: "规则")
        func add(_ field: String, _ code: String, _ zh: String, _ en: String) { out.append(FieldError(field: field, code: code, message: zh, messageEn: en)) }
        let names = Set(layout.columns.map(\.name))
        if entity.isEmpty { add("entity", "required", "须指明实体列（如统一社会信用代码）", "entity names the columns of the entity (e.g. credit_code)") }
        for (i, c) in entity.enumerated() where !names.contains(c) {
            add("entity[\(i)]", "unknown_column", "未知列 '\(c)'", "unknown column '\(c)'")
        }
        if let order, !names.contains(order) { add("order", "unknown_column", "未知列 '\(order)'", "unknown column '\(order)'") }
        for (i, c) in (show ?? []).enumerated() where !names.contains(c) {
            add("show[\(i)]", "unknown_column", "未知列 '\(c)'", "unknown column '\(c)'")
        }
        switch compile(layout: layout) {
        case .failure(let e): out.append(e.fieldError("condition"))
        case .success(let rule):
            if order == nil, rule.inputs.contains(where: { if case .history = $0 { true } else { false } }) {
                add(
                    "order", "required", "条件用到历史值（prev、avg_prior 等），须指明排序列（如月份）",
                    "the condition reads past values (prev, avg_prior …): order names the column that orders them (e.g. month)")
            }
        }
        if subscribers.isEmpty { add("subscribers", "required", "须至少订阅一个部门", "subscribers names at least one department") }
        if subscribers.count > Self.maxSubscribers {
            add("subscribers", "too_many", "订阅部门最多 \(Self.maxSubscribers) 个", "subscribers names at most \(Self.maxSubscribers) departments")
        }
        for (i, d) in subscribers.enumerated() where !departments.contains(d) {
            add("subscribers[\(i)]", "unknown_department", "部门 \(d) 不存在", "the department \(d) does not exist")
        }
        if let h = mergeHours, !(0...8_760).contains(h) {
            add("mergeHours", "out_of_range", "合并时限为 0–8760 小时", "mergeHours is 0 to 8,760")
        }
        return out
    }

    /// Whether a firing joins the entity's open warning raised `seconds` ago rather than raising a new one.
    public func merges(openedSecondsAgo seconds: Double) -> Bool {
        seconds < Double(mergeHours ?? Self.defaultMergeHours) * 3_600
    }
}

/// One value a warning carries: as the condition names it, and the store column it was read or derived
/// from (a reader sees it only as far as their own view of that column allows; `""`: no column's value,
/// e.g. `count_prior(3)`).
public struct WarningValue: Codable, Hashable, Sendable {
    public var name: String
    public var column: String
    public var value: String

    public init(name: String, column: String, value: String) { self.name = name; self.column = column; self.value = value }

    /// A value derived from its column (an aggregate, a listing) rather than the column's own.
    public var isDerived: Bool { name != column }
}

extension RuleInput {
    /// The store column an input reads (for `listed_in`, this record's column that is looked up).
    public var sourceColumn: String {
        switch self {
        case .column(let c): c
        case .history(_, let c, _): c
        case .listed(_, _, let v): v
        }
    }
}

/// Where a warning stands. A firing for an entity with a warning not yet closed (within the rule's merge
/// window) is merged into it whatever its state; a closed one stays closed and a new one is raised.
public enum WarningState: String, Codable, CaseIterable, Sendable {
    case open, acknowledged, assigned, closed

    /// What a subscriber does with a warning (the API's `/ack`, `/assign`, `/close`).
    public enum Action: String, Codable, CaseIterable, Sendable { case ack, assign, close }

    /// The state after `action`, nil when it does not apply (a closed warning takes none; acknowledging
    /// is for an open one; assigning again hands it on).
    public func after(_ action: Action) -> WarningState? {
        switch (self, action) {
        case (.closed, _): nil
        case (.open, .ack): .acknowledged
        case (_, .ack): nil
        case (_, .assign): .assigned
        case (_, .close): .closed
        }
    }
}
