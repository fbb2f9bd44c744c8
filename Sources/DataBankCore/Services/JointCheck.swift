/// A joint check (一件事联办): one applicant form checked against the verification services of several
/// departments at once, their answers combined by a rule — e.g. 积分入学资格联审: residence ≥ 1 year,
/// social insurance ≥ 12 months, first home, family planning compliant …, all of which must pass, or a
/// points table.
///
/// This type only describes a check, validates it against the services it names
/// (``problems(services:)``), checks an applicant's form (``checkApplicant(_:today:)``), builds each
/// service's parameters (``parameters(of:applicant:)``) and combines the answers (``combine(_:)``).
/// The server runs the services, in parallel, each under the caller's own grant for it.
///
/// JSON form:
///
/// ```json
/// {"code": "school-admission", "name": "积分入学资格联审",
///  "form": [{"name": "id_number", "label": "公民身份号码", "kind": "residentID"}],
///  "steps": [{"service": "residence-1y", "params": {"id_number": {"field": "id_number"}}, "points": {"yes": 30}}],
///  "rule": {"allPass": {}}}
/// ```
public struct JointCheck: Codable, Hashable, Sendable {
    public var code: String
    public var name: String
    public var nameEn: String?
    public var description: String?
    public var descriptionEn: String?
    /// The applicant form: every service parameter comes from one of its fields or is a constant.
    public var form: [FormField]
    /// The services asked, in the order their answers are listed.
    public var steps: [Step]
    public var rule: Rule

    /// At most this many services in one check (the seed's school admission asks 16 departments).
    public static let maxSteps = 16
    public static let maxFormFields = 30

    public init(
        code: String, name: String, nameEn: String? = nil, description: String? = nil, descriptionEn: String? = nil, form: [FormField], steps: [Step],
        rule: Rule
    ) {
        self.code = code; self.name = name; self.nameEn = nameEn; self.description = description; self.descriptionEn = descriptionEn
        self.form = form; self.steps = steps; self.rule = rule
    }

    /// One field of the applicant form; `kind` checks its value as the quality rules check that kind
    /// (a resident ID's check digit, a credit code's, a date …).
    public struct FormField: Codable, Hashable, Sendable {
        public var name: String
        public var label: String
        public var labelEn: String?
        public var kind: SemanticKind
        public var required: Bool

        public init(name: String, label: String, labelEn: String? = nil, kind: SemanticKind = .plain, required: Bool = true) {
            self.name = name; self.label = label; self.labelEn = labelEn; self.kind = kind; self.required = required
        }

        enum CodingKeys: String, CodingKey { case name, label, labelEn, kind, required }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            label = try c.decodeIfPresent(String.self, forKey: .label) ?? name
            labelEn = try c.decodeIfPresent(String.self, forKey: .labelEn)
            kind = try c.decodeIfPresent(SemanticKind.self, forKey: .kind) ?? .plain
            required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? true
        }
    }

    /// One service asked: its parameters from the form (or constants), which answers pass, and the
    /// points each answer earns under a points rule.
    public struct Step: Codable, Hashable, Sendable {
        public var service: String
        /// What the window shows for this step (default: the service's name), and in English.
        public var label: String?
        public var labelEn: String?
        public var params: [String: Source]
        /// The answers that count as a pass (default `["yes"]`).
        public var pass: [String]?
        /// Points per answer (a points rule); an answer not listed earns 0.
        public var points: [String: Int]?

        public init(
            service: String, label: String? = nil, labelEn: String? = nil, params: [String: Source], pass: [String]? = nil, points: [String: Int]? = nil
        ) {
            self.service = service; self.label = label; self.labelEn = labelEn; self.params = params; self.pass = pass; self.points = points
        }

        public var passingAnswers: [String] { pass ?? ["yes"] }
        public var maximumPoints: Int { max(0, points?.values.max() ?? 0) }
    }

    /// A parameter's value: a form field's (`{"field": "id_number"}`) or a constant (`{"value": "2026"}`).
    public enum Source: Codable, Hashable, Sendable {
        case field(String), value(String)

        enum CodingKeys: String, CodingKey { case field, value }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let f = try c.decodeIfPresent(String.self, forKey: .field) {
                self = .field(f)
            } else if let v = try c.decodeIfPresent(String.self, forKey: .value) {
                self = .value(v)
            } else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a parameter is {\"field\": …} or {\"value\": …}"))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .field(let f): try c.encode(f, forKey: .field)
            case .value(let v): try c.encode(v, forKey: .value)
            }
        }
    }

    /// How the answers combine: every step must pass (`{"allPass": {}}`), or their points must reach a
    /// threshold (`{"points": {"threshold": 60}}`).
    public enum Rule: Codable, Hashable, Sendable {
        case allPass
        case points(threshold: Int)

        enum CodingKeys: String, CodingKey { case allPass, points }
        struct Points: Codable { var threshold: Int }
        struct Empty: Codable {}

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let p = try c.decodeIfPresent(Points.self, forKey: .points) {
                self = .points(threshold: p.threshold)
            } else if c.contains(.allPass) {
                self = .allPass
            } else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "rule is {\"allPass\": {}} or {\"points\": {\"threshold\": N}}"))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .allPass: try c.encode(Empty(), forKey: .allPass)
            case .points(let t): try c.encode(Points(threshold: t), forKey: .points)
            }
        }
    }
}

// MARK: Checking a definition

extension JointCheck {
    /// Every problem of the definition against the services it names (code → the service's spec;
    /// a code missing from `services` is unknown or retired), each with its path (`steps[2].params.id_number`).
    public func problems(services: [String: VerificationSpec]) -> [FieldError] {
        var out = DefinitionProblems.codeAndName(code: code, name: name, what: "联办事项")
        func add(_ field: String, _ code: String, _ zh: String, _ en: String) { out.append(FieldError(field: field, code: code, message: zh, messageEn: en)) }
        if form.isEmpty || form.count > Self.maxFormFields {
            add("form", "out_of_range", "申请表须有 1–\(Self.maxFormFields) 个字段", "form has 1 to \(Self.maxFormFields) fields")
        }
        var fields: Set<String> = []
        for (i, f) in form.enumerated() {
            if f.name.range(of: "^[a-z][a-z0-9_]{0,62}$", options: .regularExpression) == nil {
                add("form[\(i)].name", "invalid_name", "字段名为小写字母开头的字母、数字和下划线", "a field name is lower-case letters, digits and _, starting with a letter")
            } else if !fields.insert(f.name).inserted {
                add("form[\(i)].name", "duplicate_field", "字段 \(f.name) 重复", "the field \(f.name) appears twice")
            }
        }
        if steps.isEmpty || steps.count > Self.maxSteps {
            add("steps", "out_of_range", "须有 1–\(Self.maxSteps) 项核验服务", "steps names 1 to \(Self.maxSteps) verification services")
        }
        var used: Set<String> = []
        for (i, step) in steps.enumerated() {
            let at = "steps[\(i)]"
            if !used.insert(step.service).inserted {
                add("\(at).service", "duplicate_service", "核验服务 \(step.service) 重复", "the service \(step.service) is asked twice")
            }
            guard let spec = services[step.service] else {
                add("\(at).service", "unknown_service", "核验服务 \(step.service) 不存在或已停用", "the verification service \(step.service) does not exist or is retired")
                continue
            }
            let parameters = Set(spec.parameters.map(\.name))
            for p in spec.parameters where step.params[p.name] == nil {
                add("\(at).params.\(p.name)", "unmapped_parameter", "服务的参数 \(p.name) 未指定来源", "the service's parameter \(p.name) is given no value")
            }
            for (name, source) in step.params.sorted(by: { $0.key < $1.key }) {
                if !parameters.contains(name) {
                    add("\(at).params.\(name)", "unknown_parameter", "服务 \(step.service) 没有参数 \(name)", "the service \(step.service) has no parameter \(name)")
                } else if case .field(let f) = source, !fields.contains(f) {
                    add("\(at).params.\(name)", "unknown_field", "申请表没有字段 \(f)", "the applicant form has no field \(f)")
                }
            }
            if step.passingAnswers.isEmpty {
                add("\(at).pass", "required", "须列出算作通过的答复", "pass lists the answers that count as a pass")
            }
            if let points = step.points, points.values.contains(where: { $0 < 0 || $0 > 1000 }) {
                add("\(at).points", "out_of_range", "分值为 0–1000", "points are 0 to 1,000")
            }
        }
        if case .points(let threshold) = rule {
            let reachable = steps.reduce(0) { $0 + $1.maximumPoints }
            if threshold < 1 || threshold > reachable {
                add(
                    "rule.points.threshold", "out_of_range", "及格分须在 1 与各项最高分之和（\(reachable)）之间",
                    "the threshold is between 1 and the sum of the steps' highest points (\(reachable))")
            }
        }
        return out
    }
}

// MARK: Running

extension JointCheck {
    /// The applicant's values, trimmed, and every problem (none when every required field is there and
    /// every value passes its kind's check), each at `applicant.<field>` — found before any department is asked.
    public func checkApplicant(_ values: [String: String], today: CivilDate) -> (values: [String: String], problems: [FieldError]) {
        var out: [String: String] = [:]
        var problems: [FieldError] = []
        for f in form {
            let value = values[f.name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if value.isEmpty {
                if f.required {
                    problems.append(
                        FieldError(field: "applicant.\(f.name)", code: "required", message: "请填写\(f.label)", messageEn: "\(f.labelEn ?? f.label) is required"))
                }
                continue
            }
            if let finding = SemanticValidator.check(value, as: f.kind, today: today) {
                problems.append(
                    FieldError(
                        field: "applicant.\(f.name)", code: finding.code, message: "\(f.label)：\(finding.message)",
                        messageEn: "\(f.labelEn ?? f.label): \(finding.messageEn)"))
                continue
            }
            out[f.name] = value
        }
        for name in values.keys.sorted() where !form.contains(where: { $0.name == name }) {
            problems.append(
                FieldError(field: "applicant.\(name)", code: "unknown_field", message: "申请表没有字段 \(name)", messageEn: "The applicant form has no field \(name)"))
        }
        return (out, problems)
    }

    /// The parameters of one step for a checked applicant; nil when an optional field it needs was left empty.
    public func parameters(of step: Step, applicant: [String: String]) -> [String: String]? {
        var out: [String: String] = [:]
        for (name, source) in step.params {
            switch source {
            case .value(let v): out[name] = v
            case .field(let f):
                guard let v = applicant[f] else { return nil }
                out[name] = v
            }
        }
        return out
    }

    /// What one step came to.
    public enum Outcome: Hashable, Sendable {
        /// The service's answer.
        case answer(String)
        /// The service could not answer for this caller or applicant (no grant, a missing value, an
        /// error): never a pass, its code said.
        case unanswered(code: String)
    }

    /// The combined result: `passed`, `failed`, or `incomplete` when an unanswered step leaves the rule
    /// undecided (an answered step that fails an all-pass rule decides it: failed).
    public struct Verdict: Hashable, Sendable {
        public var result: String
        /// Per step, whether it passed (nil: unanswered).
        public var passed: [Bool?]
        /// Under a points rule: the points earned, and the threshold.
        public var points: Int?
        public var threshold: Int?

        public init(result: String, passed: [Bool?], points: Int? = nil, threshold: Int? = nil) {
            self.result = result; self.passed = passed; self.points = points; self.threshold = threshold
        }
    }

    public func combine(_ outcomes: [Outcome]) -> Verdict {
        var passed: [Bool?] = []
        var earned = 0, open = 0
        for (step, outcome) in zip(steps, outcomes) {
            switch outcome {
            case .answer(let a):
                passed.append(step.passingAnswers.contains(a))
                earned += step.points?[a] ?? 0
            case .unanswered:
                passed.append(nil)
                open += step.maximumPoints
            }
        }
        switch rule {
        case .allPass:
            let result = passed.contains(false) ? "failed" : passed.contains(nil) ? "incomplete" : "passed"
            return Verdict(result: result, passed: passed, points: nil, threshold: nil)
        case .points(let threshold):
            let result = earned >= threshold ? "passed" : earned + open >= threshold ? "incomplete" : "failed"
            return Verdict(result: result, passed: passed, points: earned, threshold: threshold)
        }
    }
}
