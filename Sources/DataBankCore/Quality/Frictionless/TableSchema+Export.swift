/// A DataBank resource as a Table Schema: Frictionless readers get types and constraints; the
/// `databank:` properties keep what only DataBank uses (standard, semantic kind, sensitivity,
/// number length and precision, written rules), so importing the schema back loses nothing.
extension TableSchema {
    /// - Parameters:
    ///   - resource: the published (or draft) snapshot; its items become the fields in order.
    ///   - standards: the item standards by code (pattern, code list, semantic kind, precision, definition).
    ///   - rules: derived and written rules; written ones become constraints (`length`, `range`,
    ///     `unique`, `pattern`, `domain`), `foreignKeys` (referential) or `databank:rules` (expressions).
    public init(resource: ResourceSnapshot, items: [InformationItem]? = nil, standards: [String: ItemStandard], rules: [QualityRule] = []) {
        self.init(items: items ?? resource.items, standards: standards, rules: rules)
    }

    /// The schema of a list of items (a resource's, or a draft's).
    public init(items: [InformationItem], standards: [String: ItemStandard], rules: [QualityRule] = []) {
        var fields: [Field] = items.map { item in
            let standard = standards[item.standardCode]
            let type = FieldType(item.dataType)
            var c = Constraints()
            if item.required || item.primaryKey { c.required = true }
            if item.dataType == .C, let n = item.length { c.maxLength = n }
            c.pattern = standard?.pattern
            if let list = standard?.codeList, !list.isEmpty { c.enumValues = list.map(\.code) }
            if item.unique && !item.primaryKey { c.unique = true }
            if let m = standard?.minimum { c.minimum = m }
            if let m = standard?.maximum { c.maximum = m }
            let precision = [.N, .Y].contains(item.dataType) ? standard?.precision ?? (item.dataType == .Y ? 2 : nil) : nil
            let facts = DataBankFacts(
                dataType: type.dataType == item.dataType ? nil : item.dataType, standard: item.standardCode,
                semantic: standard.map(\.semanticKind).flatMap { $0 == .plain ? nil : $0 }, sensitivity: item.sensitivity,
                queryField: item.queryField ? true : nil, length: item.dataType != .C && item.dataType.hasLength ? item.length : nil,
                precision: precision, notFuture: standard?.forbidsFuture == true && [.D, .T].contains(item.dataType) ? true : nil)
            return Field(
                name: item.column, title: item.name, description: standard?.definition, type: type,
                constraints: c, databank: facts)
        }
        var foreignKeys: [ForeignKey] = []
        var written: [WrittenRule] = []
        for rule in rules where !rule.derived {
            let index = rule.column.flatMap { column in fields.firstIndex { $0.name == column } }
            switch rule.kind {
            case .referential:
                guard let column = rule.column, let target = rule.references,
                    let dot = target.lastIndex(of: ".")
                else { continue }
                foreignKeys.append(
                    ForeignKey(fields: [column], resource: String(target[..<dot]), referenceFields: [String(target[target.index(after: dot)...])]))
            case .expression:
                if let e = rule.expression { written.append(WrittenRule(name: rule.name == e ? nil : rule.name, expression: e)) }
            case .length where index != nil:
                if let n = rule.minLength { fields[index!].constraints.minLength = n }
                if let n = rule.maxLength { fields[index!].constraints.maxLength = min(n, fields[index!].constraints.maxLength ?? n) }
            case .range where index != nil:
                if let m = rule.minimum { fields[index!].constraints.minimum = m }
                if let m = rule.maximum { fields[index!].constraints.maximum = m }
            case .unique where index != nil:
                fields[index!].constraints.unique = true
            case .pattern where index != nil && fields[index!].constraints.pattern == nil:
                fields[index!].constraints.pattern = rule.pattern
            case .domain where index != nil && fields[index!].constraints.enumValues == nil:
                fields[index!].constraints.enumValues = rule.codes
            default: continue
            }
        }
        self.init(fields: fields, primaryKey: items.filter(\.primaryKey).map(\.column), foreignKeys: foreignKeys, rules: written)
    }
}
