import Foundation

/// A reuse (an app, a service, an article built on open data) as submitted, before it is stored.
public struct ReuseDraft: Sendable, Equatable {
    public var name: String
    public var url: String
    public var description: String
    public var datasets: [String]

    public init(name: String, url: String, description: String, datasets: [String]) {
        self.name = name; self.url = url; self.description = description; self.datasets = datasets
    }

    public static let nameMax = 100
    public static let urlMax = 500
    public static let descriptionMax = 2_000
    public static let datasetsMax = 20

    /// Every problem, with its field. A link is an absolute http(s) URL with a host: no `javascript:`,
    /// `data:` or relative links reach a public page.
    public func problems() -> [FieldError] {
        var problems: [FieldError] = []
        let trimmedName = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmedName.isEmpty {
            problems.append(FieldError(field: "name", code: "required", message: "请填写名称", messageEn: "Give the reuse a name"))
        } else if trimmedName.count > Self.nameMax {
            problems.append(FieldError(field: "name", code: "too_long", message: "名称最多 100 个字符", messageEn: "A name is at most 100 characters"))
        }
        if let p = Self.urlProblem(url) { problems.append(p) }
        if description.count > Self.descriptionMax {
            problems.append(
                FieldError(field: "description", code: "too_long", message: "说明最多 2000 个字符", messageEn: "A description is at most 2,000 characters"))
        }
        if datasets.isEmpty {
            problems.append(
                FieldError(field: "datasets", code: "required", message: "请至少填写一个所用数据集", messageEn: "Name at least one dataset it uses"))
        } else if datasets.count > Self.datasetsMax {
            problems.append(
                FieldError(field: "datasets", code: "too_many", message: "最多填写 20 个数据集", messageEn: "At most 20 datasets"))
        }
        return problems
    }

    public static func urlProblem(_ url: String) -> FieldError? {
        let bad = FieldError(
            field: "url", code: "invalid_url", message: "链接须为 http:// 或 https:// 开头的完整网址（最多 500 个字符）",
            messageEn: "The link must be a full http:// or https:// address (at most 500 characters)")
        guard url.count <= urlMax, !url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }),
            let c = URLComponents(string: url), let scheme = c.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = c.host, !host.isEmpty, c.user == nil, c.password == nil
        else { return bad }
        return nil
    }
}

/// What feedback on a dataset is about.
public enum FeedbackKind: String, CatalogTerm {
    /// Something in the data is wrong.
    case error
    /// More data, or the data in another form, is wanted.
    case request
    public var zh: String { ["error": "数据有误", "request": "需求建议"][rawValue]! }
    public var en: String { ["error": "Error report", "request": "Request for more data"][rawValue]! }
}

/// Where a submitted reuse stands: shown on the portal only once a platform admin approves it.
public enum ReuseStatus: String, CatalogTerm {
    case pending, approved, rejected
    public var zh: String { ["pending": "待审核", "approved": "已发布", "rejected": "未通过"][rawValue]! }
    public var en: String { ["pending": "Pending", "approved": "Published", "rejected": "Rejected"][rawValue]! }
}

/// The rules of an application by a registered member of the public for a 有条件开放 dataset.
public enum OpenApplicationRules {
    /// Problems with the purpose, the intended use and the period (the scope is checked against the layout apart).
    public static func problems(purpose: String, use: String, validFrom: CivilDate, validUntil: CivilDate, today: CivilDate) -> [FieldError] {
        var problems: [FieldError] = []
        if purpose.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems.append(FieldError(field: "purpose", code: "required", message: "请填写数据用途", messageEn: "State what the data is for"))
        }
        if use.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems.append(
                FieldError(field: "use", code: "required", message: "请说明数据将如何使用", messageEn: "Say how the data will be used"))
        }
        if validUntil < validFrom || validUntil < today {
            problems.append(
                FieldError(field: "validUntil", code: "invalid_period", message: "截止日期无效", messageEn: "The period has ended or ends before it starts"))
        } else if validUntil > validFrom.addingYears(1) {
            problems.append(
                FieldError(field: "validUntil", code: "period_too_long", message: "开放数据使用期限不得超过 1 年", messageEn: "The period may not exceed one year"))
        }
        return problems
    }
}
