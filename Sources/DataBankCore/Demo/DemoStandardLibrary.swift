/// The demo city's information-item standards library, with look-up by key (the column name).
///
/// Hand-written standards come first (identifiers, registers, domain fields); after them come
/// "{subject}编号" and "{subject}名称" standards for every object subject of the templates.
/// Codes run DE00001, DE00002 … in that order, so they are stable.
struct DemoStandardLibrary: Sendable {
    var standards: [ItemStandard]
    /// The column name of items bound to `standards[i]`.
    var columns: [String]
    var indexByKey: [String: Int]

    static let shared = DemoStandardLibrary()

    private init() {
        var specs = DemoStandardTable.common + DemoStandardTable.registers + DemoStandardTable.domains
        for function in DemoTemplates.allFunctions {
            for subject in DemoTemplates.subjects(for: function) where subject.needsGeneratedStandards {
                let en = subject.en.prefix(1).uppercased() + subject.en.dropFirst()
                specs.append(
                    demoStd(
                        "\(subject.key)_no", "\(subject.zh)编号", "\(en) number", .C, 32, nil,
                        "主管部门为每个\(subject.zh)赋予的唯一编号。"))
                specs.append(
                    demoStd(
                        "\(subject.key)_name", "\(subject.zh)名称", "\(en) name", .C, 200, nil,
                        "\(subject.zh)的规范全称。", sens: .public))
            }
        }
        // Standards written after the generated ones come last, so every earlier code stays as it was.
        specs += DemoStandardTable.later
        var standards: [ItemStandard] = []
        var columns: [String] = []
        var index: [String: Int] = [:]
        for spec in specs where index[spec.key] == nil {
            index[spec.key] = standards.count
            columns.append(spec.key)
            standards.append(
                ItemStandard(
                    code: "DE" + demoPad(standards.count + 1, 5), name: spec.name, nameEn: spec.nameEn, definition: spec.definition,
                    dataType: spec.type, length: spec.length, precision: spec.precision, pattern: spec.pattern, codeList: spec.codes,
                    semanticKind: spec.semantic, sensitivity: spec.sensitivity, version: "1.0", notFuture: spec.notFuture ? true : nil))
        }
        self.standards = standards
        self.columns = columns
        self.indexByKey = index
    }

    /// The index of the standard with this key; a missing key is a bug in the templates.
    func index(_ key: String) -> Int {
        guard let i = indexByKey[key] else { fatalError("Demo templates refer to an unknown standard key: \(key)") }
        return i
    }

    /// The information item binding `standards[i]`, at position `position` of its resource.
    func item(_ i: Int, position: Int) -> InformationItem {
        let s = standards[i]
        return InformationItem(
            name: s.name, column: columns[i], standardCode: s.code, dataType: s.dataType, length: s.length,
            primaryKey: position == 0, required: position < 3, sensitivity: s.sensitivity)
    }
}
