/// Checks a ``ResourceSnapshot`` against the catalog guide and the standards library.
///
/// Returns every problem at once, each naming its field, so a form can show them all.
public struct ResourceValidator: Sendable {
    /// Departments that exist, by code.
    public var departments: Set<String>
    /// Standards that exist, by code.
    public var standards: [String: StandardSummary]

    public init(departments: Set<String>, standards: [String: StandardSummary]) {
        self.departments = departments; self.standards = standards
    }

    static let maxNameLength = 200
    static let maxItems = 500

    public func validate(_ r: ResourceSnapshot) -> [FieldError] {
        var errors: [FieldError] = []
        func fail(_ field: String, _ code: String, _ zh: String, _ en: String) {
            errors.append(FieldError(field: field, code: code, message: zh, messageEn: en))
        }
        func blank(_ s: String?) -> Bool { (s ?? "").allSatisfy(\.isWhitespace) }

        if let parsed = ResourceCode.parse(r.code) {
            if parsed.classification != r.classification {
                fail("classification", "mismatch", "分类代码须与资源代码的分类部分一致", "Classification must match the classification part of the code")
            }
            if let kind = ResourceCode.catalogKind(ofClassification: parsed.classification) {
                if kind != r.catalogKind {
                    fail("catalogKind", "mismatch", "目录类型须与分类代码首位一致（1 基础、2 主题、3 部门）", "Catalog kind must match the first classification digit (1 base, 2 thematic, 3 departmental)")
                }
            } else {
                fail("code", "unknown_class", "分类代码首位须为 1（基础）、2（主题）或 3（部门）", "The classification's first digit must be 1 (base), 2 (thematic) or 3 (departmental)")
            }
        } else {
            fail("code", "invalid_format", "资源代码格式应为“分类代码-顺序码”，如 101001-00023", "Resource code must be classification-sequence, e.g. 101001-00023")
        }
        if blank(r.name) { fail("name", "required", "请填写资源名称", "Name is required") }
        else if r.name.count > Self.maxNameLength { fail("name", "too_long", "资源名称不超过 \(Self.maxNameLength) 字", "Name is at most \(Self.maxNameLength) characters") }
        if !departments.contains(r.departmentCode) {
            fail("departmentCode", "unknown_department", "未知的提供方部门：\(r.departmentCode)", "Unknown provider department: \(r.departmentCode)")
        }
        if blank(r.abstract) { fail("abstract", "required", "请填写资源摘要", "Abstract is required") }
        if r.sharing.type.needsLegalBasis && blank(r.sharing.legalBasis) {
            fail("sharing.legalBasis", "required", "\(r.sharing.type.zh)须注明法律法规或政策依据", "\(r.sharing.type.en) needs a legal basis")
        }
        if r.sharing.type == .conditional && blank(r.sharing.condition) {
            fail("sharing.condition", "required", "有条件共享须写明共享条件", "Conditional sharing needs its condition")
        }
        if r.open.type == .conditional && blank(r.open.condition) {
            fail("open.condition", "required", "有条件开放须写明开放条件", "Conditional opening needs its condition")
        }
        if r.classified && r.open.type != .closed {
            fail("open.type", "classified_open", "涉密资源不得开放", "A classified resource cannot be open")
        }
        if let date = r.publishDate, !Self.isDate(date) {
            fail("publishDate", "invalid_date", "发布日期格式应为 YYYY-MM-DD", "Publish date must be YYYY-MM-DD")
        }
        for (i, code) in r.relatedCodes.enumerated() where ResourceCode.parse(code) == nil {
            fail("relatedCodes[\(i)]", "invalid_format", "关联资源代码格式不正确：\(code)", "Malformed related resource code: \(code)")
        }
        validateItems(r.items, fail: fail)
        return errors
    }

    private func validateItems(_ items: [InformationItem], fail: (String, String, String, String) -> Void) {
        if items.isEmpty { fail("items", "required", "至少需要一个信息项", "At least one information item is required") }
        if items.count > Self.maxItems { fail("items", "too_many", "信息项不超过 \(Self.maxItems) 个", "At most \(Self.maxItems) items") }
        var columns: Set<String> = []
        for (i, item) in items.enumerated() {
            let at = "items[\(i)]"
            if item.name.allSatisfy(\.isWhitespace) { fail("\(at).name", "required", "请填写信息项名称", "Item name is required") }
            if !Self.isColumnName(item.column) {
                fail("\(at).column", "invalid_format", "字段名须以小写字母开头，仅含小写字母、数字和下划线，不超过 63 个字符", "Column must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 63)")
            } else if !columns.insert(item.column).inserted {
                fail("\(at).column", "duplicate", "字段名重复：\(item.column)", "Duplicate column: \(item.column)")
            }
            guard let standard = standards[item.standardCode] else {
                fail("\(at).standardCode", "unknown_standard", "未知的信息项标准：\(item.standardCode)", "Unknown item standard: \(item.standardCode)")
                continue
            }
            if item.dataType != standard.dataType {
                fail("\(at).dataType", "type_mismatch", "数据类型须与标准“\(standard.name)”一致（\(standard.dataType.zh)）", "Data type must match standard \(standard.code) (\(standard.dataType.en))")
            }
            if let length = item.length {
                if !item.dataType.hasLength {
                    fail("\(at).length", "not_applicable", "\(item.dataType.zh)不设长度", "A \(item.dataType.en) item has no length")
                } else if length <= 0 { fail("\(at).length", "invalid", "长度须为正整数", "Length must be positive") }
                else if let max = standard.length, length > max {
                    fail("\(at).length", "exceeds_standard", "长度 \(length) 超过标准“\(standard.name)”规定的 \(max)", "Length \(length) exceeds the standard's \(max)")
                }
            }
            if item.sensitivity < standard.sensitivity {
                fail("\(at).sensitivity", "below_standard", "敏感级别不得低于标准规定的“\(standard.sensitivity.zh)”", "Sensitivity may not be below the standard's (\(standard.sensitivity.en))")
            }
        }
        if !items.isEmpty && !items.contains(where: \.primaryKey) {
            fail("items", "no_primary_key", "至少一个信息项须标记为主键", "At least one item must be a primary key")
        }
    }

    static func isColumnName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, ("a"..."z").contains(first), s.utf8.count <= 63 else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    static func isDate(_ s: String) -> Bool {
        let p = s.split(separator: "-")
        guard p.count == 3, p[0].count == 4, p[1].count == 2, p[2].count == 2,
              let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]), (1...12).contains(m), d >= 1 else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return d <= days
    }
}
