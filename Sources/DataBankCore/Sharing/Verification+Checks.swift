extension VerificationSpec {
    /// How deeply predicates may nest (an `exists` at the top is depth 1): deeper specs are
    /// unreadable to reviewers and costly to evaluate.
    public static let maximumDepth = 8

    /// Problems with the spec against the resource's layout, each with the path of the field at
    /// fault, e.g. `predicate.anyOf[1].exists.where[0].column`.
    public func problems(layout: RecordLayout) -> [FieldError] {
        var checker = SpecChecker(layout: layout, declared: Set(parameters.map(\.name)))
        var seen = Set<String>()
        for (i, parameter) in parameters.enumerated() {
            let field = "parameters[\(i)].name"
            if parameter.name.trimmingSpaces.isEmpty {
                checker.report(field, "required", "参数名不能为空", "A parameter needs a name")
            } else if !seen.insert(parameter.name).inserted {
                checker.report(field, "duplicate_parameter", "参数重复：\(parameter.name)", "Parameter \(parameter.name) is declared twice")
            }
        }
        checker.check(predicate, at: "predicate", depth: 1)
        switch answer {
        case .yesNo: break
        case .countBand(let comparisons, let bands):
            checker.check(comparisons, at: "answer.countBand.where")
            let ascending = zip(bands, bands.dropFirst()).allSatisfy { $0 < $1 }
            if bands.first != 0 || !ascending {
                checker.report("answer.countBand.bands", "invalid_bands", "分档须从 0 开始并严格递增，如 [0,1,2,5]",
                               "Bands start at 0 and ascend strictly, e.g. [0,1,2,5]")
            }
        case .category(let cases, let otherwise):
            if cases.isEmpty { checker.report("answer.category.cases", "required", "至少需要一个分类", "Give at least one case") }
            for (i, c) in cases.enumerated() {
                if c.label.trimmingSpaces.isEmpty {
                    checker.report("answer.category.cases[\(i)].label", "required", "分类名称不能为空", "A case needs a label")
                }
                checker.check(c.predicate, at: "answer.category.cases[\(i)].when", depth: 1)
            }
            if otherwise.trimmingSpaces.isEmpty {
                checker.report("answer.category.otherwise", "required", "须给出其余情况的分类名称", "Name the answer when no case holds")
            }
        }
        return checker.problems
    }

    /// The call's input checked and converted: every declared parameter present, none unknown,
    /// each as its type's canonical text (`2024/3/5` → `2024-03-05`).
    public func checkInput(_ input: [String: String]) -> Result<[String: String], FieldError> {
        var values: [String: String] = [:]
        for parameter in parameters {
            guard let raw = input[parameter.name], !raw.trimmingSpaces.isEmpty else {
                return .failure(FieldError(field: parameter.name, code: "missing_parameter", message: "缺少参数：\(parameter.name)",
                                           messageEn: "Missing parameter \(parameter.name)"))
            }
            let column = RecordLayout.Column(name: parameter.name, itemName: parameter.name, type: parameter.type)
            switch canonicalValue(raw, as: column) {
            case .success(let value): values[parameter.name] = value
            case .failure(let problem):
                return .failure(FieldError(field: parameter.name, code: "invalid_value", message: "参数 \(parameter.name)：\(problem.message)",
                                           messageEn: "Parameter \(parameter.name): \(problem.messageEn)"))
            }
        }
        let declared = Set(parameters.map(\.name))
        if let unknown = input.keys.filter({ !declared.contains($0) }).sorted().first {
            return .failure(FieldError(field: unknown, code: "unknown_parameter", message: "未知参数：\(unknown)",
                                       messageEn: "Unknown parameter \(unknown); this service takes \(parameters.map(\.name).joined(separator: ", "))"))
        }
        return .success(values)
    }

    /// The spec with every constant converted to its column's canonical text, so the server can
    /// bind it as stored values are compared; constants that do not convert are left as written
    /// (`problems` reports them).
    public func canonicalized(layout: RecordLayout) -> VerificationSpec {
        func fix(_ comparisons: [Comparison]) -> [Comparison] {
            comparisons.map { c in
                guard case .constant(let text) = c.operand, let column = layout.column(named: c.column),
                      case .success(let value) = canonicalValue(text, as: column) else { return c }
                return Comparison(column: c.column, op: c.op, operand: .constant(value))
            }
        }
        func fix(_ p: Predicate) -> Predicate {
            switch p {
            case .exists(let w): .exists(where: fix(w))
            case .count(let w, let op, let value): .count(where: fix(w), op: op, value: value)
            case .anyOf(let all): .anyOf(all.map(fix))
            case .allOf(let all): .allOf(all.map(fix))
            case .not(let inner): .not(fix(inner))
            }
        }
        var spec = self
        spec.predicate = fix(predicate)
        switch answer {
        case .yesNo: break
        case .countBand(let w, let bands): spec.answer = .countBand(where: fix(w), bands: bands)
        case .category(let cases, let otherwise):
            spec.answer = .category(cases: cases.map { CategoryCase(label: $0.label, predicate: fix($0.predicate)) }, otherwise: otherwise)
        }
        return spec
    }
}

/// Walks a spec collecting problems; a struct so the walk stays free of shared state.
struct SpecChecker {
    let layout: RecordLayout
    let declared: Set<String>
    var problems: [FieldError] = []

    mutating func report(_ field: String, _ code: String, _ zh: String, _ en: String) {
        problems.append(FieldError(field: field, code: code, message: zh, messageEn: en))
    }

    mutating func check(_ predicate: VerificationSpec.Predicate, at path: String, depth: Int) {
        guard depth <= VerificationSpec.maximumDepth else {
            report(path, "too_deep", "条件嵌套超过 \(VerificationSpec.maximumDepth) 层", "Conditions nest deeper than \(VerificationSpec.maximumDepth) levels")
            return
        }
        switch predicate {
        case .exists(let comparisons): check(comparisons, at: "\(path).exists.where")
        case .count(let comparisons, _, let value):
            check(comparisons, at: "\(path).count.where")
            if value < 0 { report("\(path).count.value", "invalid_value", "计数不能为负数", "A count cannot be negative") }
        case .anyOf(let all), .allOf(let all):
            let key = if case .anyOf = predicate { "anyOf" } else { "allOf" }
            if all.isEmpty { report("\(path).\(key)", "required", "条件组不能为空", "A group needs at least one condition") }
            for (i, inner) in all.enumerated() { check(inner, at: "\(path).\(key)[\(i)]", depth: depth + 1) }
        case .not(let inner): check(inner, at: "\(path).not", depth: depth + 1)
        }
    }

    mutating func check(_ comparisons: [VerificationSpec.Comparison], at path: String) {
        for (i, comparison) in comparisons.enumerated() {
            let here = "\(path)[\(i)]"
            guard let column = layout.column(named: comparison.column) else {
                problems.append(.unknownItem(comparison.column, field: "\(here).column"))
                continue
            }
            switch comparison.operand {
            case .parameter(let name) where !declared.contains(name):
                report("\(here).param", "unknown_parameter", "未声明的参数：\(name)", "Parameter \(name) is not declared")
            case .constant(let text):
                if case .failure(let problem) = canonicalValue(text, as: column) {
                    report("\(here).value", "invalid_value", "\(comparison.column) 的值“\(text)”：\(problem.message)",
                           "\(comparison.column)=\(text): \(problem.messageEn)")
                }
            default: break
            }
        }
    }
}
