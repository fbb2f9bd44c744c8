/// Who a record is about, as 我的数据 links it: a resident (by resident ID, GB 11643) or an
/// enterprise (by unified social credit code, GB 32100).
public enum SubjectKind: String, CatalogTerm {
    case resident, enterprise
    public var zh: String { self == .resident ? "居民（公民身份号码）" : "企业（统一社会信用代码）" }
    public var en: String { self == .resident ? "Resident (resident ID)" : "Enterprise (unified social credit code)" }

    /// The identifier check this kind's keys pass.
    public var semanticKind: SemanticKind { self == .resident ? .residentID : .creditCode }

    /// nil when `key` is a well-formed key of this kind (the platform's identifier check), else what is wrong.
    public func check(_ key: String, today: CivilDate) -> ValueFinding? {
        SemanticValidator.check(key, as: semanticKind, today: today)
    }
}

/// A provider's choice to show a resource's records to the subjects they are about (我的数据): which
/// column holds the subject's key, and which columns the subject sees under which mask. A column the
/// provider did not name is never shown; the masks are the platform's own (``MaskRule``).
public struct SubjectView: Codable, Hashable, Sendable {
    public var subjectColumn: String
    public var kind: SubjectKind
    /// The columns shown, each with its mask (``MaskRule/clear`` for as stored).
    public var masks: [String: MaskRule]

    public init(subjectColumn: String, kind: SubjectKind, masks: [String: MaskRule]) {
        self.subjectColumn = subjectColumn; self.kind = kind; self.masks = masks
    }

    /// What is wrong with this view of a store laid out as `layout`, each with the field at fault
    /// (empty when it can be saved).
    public func problems(layout: RecordLayout) -> [ShowProblem] {
        var found: [ShowProblem] = []
        if layout.column(named: subjectColumn) == nil {
            found.append(ShowProblem(field: "subject_column", zh: "资源没有数据项 \(subjectColumn)", en: "The resource has no item \(subjectColumn)"))
        }
        if masks.isEmpty {
            found.append(ShowProblem(field: "masks", zh: "至少选择一个向本人展示的数据项", en: "Choose at least one item to show the subject"))
        }
        for name in masks.keys.sorted() where layout.column(named: name) == nil {
            found.append(ShowProblem(field: "masks.\(name)", zh: "资源没有数据项 \(name)", en: "The resource has no item \(name)"))
        }
        return found
    }

    /// The shown columns in the store's order.
    public func shownColumns(layout: RecordLayout) -> [RecordLayout.Column] { layout.columns.filter { masks[$0.name] != nil } }

    /// One problem with a subject view: the field at fault and what is wrong, in both languages.
    public struct ShowProblem: Codable, Hashable, Sendable {
        public var field: String
        public var zh: String
        public var en: String
    }
}
