/// A Table Schema as a resource's information items: each field bound to an item standard, and
/// what the items and standards cannot hold turned into written rules.
///
/// The standard of a field is, in order: its `databank:standard`; the standard of the same data
/// type whose name is the field's title; else the most general standard of that type (plain or date, no
/// pattern, no code list, long enough, least sensitive). Constraints the resulting items and their
/// standards do not enforce (``rulesBeyond(_:)``: `required`, `minLength`, `maxLength`, `pattern`,
/// `enum`, `minimum`, `maximum`) become expression rules; `unique` becomes the item's `unique` flag.
extension TableSchema {
    public struct ItemDraft: Hashable, Sendable {
        public var items: [InformationItem]
        /// Rules to write for constraints the items and their standards do not hold, and `databank:rules`.
        public var rules: [WrittenRule]
        /// Referential rules from `foreignKeys` (`CODE.column`), to check against the catalog.
        public var references: [(column: String, references: String)]
        /// Constraints neither items nor rules can hold, by path (`fields[2].constraints.unique`).
        public var notKept: [String]

        public static func == (a: ItemDraft, b: ItemDraft) -> Bool {
            a.items == b.items && a.rules == b.rules && a.notKept == b.notKept
                && a.references.map { "\($0.column)→\($0.references)" } == b.references.map { "\($0.column)→\($0.references)" }
        }
        public func hash(into h: inout Hasher) { h.combine(items); h.combine(rules); h.combine(notKept) }
    }

    /// The items of a new or edited resource. Problems (invalid column names, no standard, a
    /// length beyond the standard, no primary key) are refused with the field's path.
    public func itemDraft(standards: [ItemStandard]) throws(TableSchemaError) -> ItemDraft {
        var reader = SchemaReader()
        let byCode = Dictionary(standards.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        var items: [InformationItem] = []
        if primaryKey.isEmpty {
            reader.fail("primaryKey", "no_primary_key", zh: "DataBank 的资源须有主键：请写 primaryKey", en: "a DataBank resource needs a key: add primaryKey")
        }
        for (i, f) in fields.enumerated() {
            let at = "fields[\(i)]"
            if !ResourceValidator.isColumnName(f.name) {
                reader.fail("\(at).name", "invalid_column", zh: "字段名须以小写字母开头，仅含小写字母、数字和下划线，不超过 63 个字符：\(f.name)",
                            en: "a field name must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 63): \(f.name)")
            }
            let type = f.dataType
            let length = type == .C ? f.constraints.maxLength ?? f.databank.length : (type.hasLength ? f.databank.length : nil)
            guard let standard = Self.standard(for: f, type: type, length: length, in: standards, byCode: byCode, at: at, reader: &reader) else { continue }
            if let length, let max = standard.length, length > max {
                reader.fail(type == .C && f.constraints.maxLength != nil ? "\(at).constraints.maxLength" : "\(at).databank:length", "exceeds_standard",
                            zh: "长度 \(length) 超过标准“\(standard.name)”（\(standard.code)）规定的 \(max)",
                            en: "length \(length) exceeds the \(max) of standard \(standard.code)")
            }
            let sensitivity = max(f.databank.sensitivity ?? standard.sensitivity, standard.sensitivity)
            items.append(InformationItem(name: f.title ?? f.name, column: f.name, standardCode: standard.code, dataType: type,
                                         length: type.hasLength ? length ?? standard.length : nil, primaryKey: primaryKey.contains(f.name),
                                         required: f.constraints.required == true, sensitivity: sensitivity, queryField: f.databank.queryField ?? false,
                                         unique: f.constraints.unique == true && !primaryKey.contains(f.name)))
        }
        var references: [(String, String)] = []
        for (i, fk) in foreignKeys.enumerated() {
            if fk.fields.count != 1 || fk.resource.isEmpty {
                reader.fail("foreignKeys[\(i)]", "unsupported_foreign_key",
                            zh: "DataBank 的引用规则是一列引用另一资源的主键（不支持多列或自引用外键）",
                            en: "DataBank's referential rules take one column to another resource's key (no multi-column or self-referencing keys)")
                continue
            }
            references.append((fk.fields[0], "\(fk.resource).\(fk.referenceFields[0])"))
        }
        if !reader.problems.isEmpty { throw TableSchemaError(reader.problems) }
        let beyond = rulesBeyond(TableSchema(items: items, standards: byCode))
        return ItemDraft(items: items, rules: beyond.rules + writtenRules, references: references, notKept: beyond.notKept)
    }

    static func standard(for f: Field, type: DataType, length: Int?, in standards: [ItemStandard], byCode: [String: ItemStandard],
                         at path: String, reader: inout SchemaReader) -> ItemStandard? {
        if let code = f.databank.standard {
            guard let s = byCode[code] else {
                reader.fail("\(path).databank:standard", "unknown_standard", zh: "未知的信息项标准：\(code)", en: "unknown item standard \(code)")
                return nil
            }
            guard s.dataType == type else {
                reader.fail("\(path).type", "type_mismatch", zh: "字段类型（\(type.zh)）与标准“\(s.name)”（\(s.dataType.zh)）不一致",
                            en: "the field's type (\(type.en)) differs from standard \(s.code) (\(s.dataType.en))")
                return nil
            }
            return s
        }
        let sameType = standards.filter { $0.dataType == type }
        if let title = f.title, let s = sameType.first(where: { $0.name == title }) { return s }
        let general = sameType.filter { [.plain, .date].contains($0.semanticKind) && $0.pattern == nil && $0.codeList.isEmpty && ($0.length ?? Int.max) >= (length ?? 0) }
            .min { ($0.sensitivity, -($0.length ?? Int.max), $0.code) < ($1.sensitivity, -($1.length ?? Int.max), $1.code) }
        if general == nil {
            reader.fail("\(path).type", "no_standard", zh: "标准库中没有可绑定的\(type.zh)信息项标准；请用 databank:standard 指定",
                        en: "the standards library has no \(type.en.lowercased()) standard to bind; name one with databank:standard")
        }
        return general
    }

    /// Expression rules for the constraints of `self` that `own` (the schema of the items as
    /// DataBank holds them: standards' patterns and code lists, lengths, required) does not
    /// enforce, named `tableschema:<field>:<constraint>`; and the paths of constraints no rule can
    /// hold (`unique` on a field that is not the whole key). Fields `own` lacks, or types that
    /// differ, are left to ``differences(from:)``.
    public func rulesBeyond(_ own: TableSchema) -> (rules: [WrittenRule], notKept: [String]) {
        var rules: [WrittenRule] = []
        var notKept: [String] = []
        for (i, f) in fields.enumerated() {
            guard let r = own.field(named: f.name), r.dataType == f.dataType else { continue }
            let c = f.constraints, o = r.constraints
            let column = f.name
            func literal(_ value: String) -> String {
                if f.effectiveType.isNumeric || f.effectiveType == .boolean { return value }
                return "'" + value.replacingAll("\\", with: "\\\\").replacingAll("'", with: "\\'") + "'"
            }
            func add(_ constraint: String, _ expression: String) {
                rules.append(WrittenRule(name: "tableschema:\(column):\(constraint)", expression: expression))
            }
            if c.required == true && o.required != true { add("required", "\(column) is not null") }
            if let n = c.minLength, n > (o.minLength ?? 0) { add("minLength", "length(\(column)) >= \(n)") }
            if let n = c.maxLength, n < (o.maxLength ?? Int.max) { add("maxLength", "length(\(column)) <= \(n)") }
            if let p = c.pattern, p != o.pattern { add("pattern", "matches(\(column), \(literal("^(?:\(p))$")))") }
            if let values = c.enumValues, values != o.enumValues { add("enum", "\(column) in (\(values.map(literal).joined(separator: ", ")))") }
            if let m = c.minimum, m != o.minimum { add("minimum", "\(column) >= \(literal(m))") }
            if let m = c.maximum, m != o.maximum { add("maximum", "\(column) <= \(literal(m))") }
            if c.unique == true && o.unique != true && own.primaryKey != [column] { notKept.append("fields[\(i)].constraints.unique") }
        }
        return (rules, notKept)
    }
}

extension String {
    /// Every occurrence of `target` replaced (Foundation-free).
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
