/// The closed vocabularies of the catalog guide (政务信息资源目录编制指南（试行）).
///
/// Each case's raw value is the stable English token used in the API and the database; `zh`
/// is the label the guide uses, `en` the English label.
public protocol CatalogTerm: CaseIterable, Codable, Hashable, Sendable, RawRepresentable where RawValue == String {
    var zh: String { get }
    var en: String { get }
}

extension CatalogTerm {
    /// The label in the given language ("zh" or "en").
    public func label(_ language: String) -> String { language == "en" ? en : zh }
}

/// Sharing type (共享类型). 有条件 and 不予 need a legal basis.
public enum SharingType: String, CatalogTerm {
    case unconditional, conditional, none
    public var zh: String { ["unconditional": "无条件共享", "conditional": "有条件共享", "none": "不予共享"][rawValue]! }
    public var en: String { ["unconditional": "Unconditional sharing", "conditional": "Conditional sharing", "none": "Not shared"][rawValue]! }
    /// 51号: "sharing is the rule"; every exception must cite its basis.
    public var needsLegalBasis: Bool { self != .unconditional }
}

/// How a shared resource is delivered (共享方式).
public enum SharingMethod: String, CatalogTerm {
    case api, file, subscription
    public var zh: String { ["api": "接口", "file": "文件", "subscription": "订阅"][rawValue]! }
    public var en: String { ["api": "API", "file": "File", "subscription": "Subscription"][rawValue]! }
}

/// Open type (开放类型).
public enum OpenType: String, CatalogTerm {
    case unconditional, conditional, closed
    public var zh: String { ["unconditional": "无条件开放", "conditional": "有条件开放", "closed": "不予开放"][rawValue]! }
    public var en: String { ["unconditional": "Open", "conditional": "Conditionally open", "closed": "Not open"][rawValue]! }
}

/// Update cycle (更新周期).
public enum UpdateCycle: String, CatalogTerm {
    case realtime, daily, weekly, monthly, quarterly, semiannual, yearly, irregular
    public var zh: String {
        ["realtime": "实时", "daily": "每日", "weekly": "每周", "monthly": "每月", "quarterly": "每季度",
         "semiannual": "每半年", "yearly": "每年", "irregular": "不定期"][rawValue]!
    }
    public var en: String { rawValue == "semiannual" ? "Half-yearly" : capitalize(rawValue) }
}

/// Resource format (信息资源格式).
public enum ResourceFormat: String, CatalogTerm {
    case table, file, api, stream
    public var zh: String { ["table": "数据库表", "file": "电子文件", "api": "接口", "stream": "实时数据流"][rawValue]! }
    public var en: String { ["table": "Database table", "file": "File", "api": "API", "stream": "Real-time stream"][rawValue]! }
}

/// Catalog kind (目录类型).
public enum CatalogKind: String, CatalogTerm {
    case base, thematic, departmental
    public var zh: String { ["base": "基础", "thematic": "主题", "departmental": "部门"][rawValue]! }
    public var en: String { ["base": "Base", "thematic": "Thematic", "departmental": "Departmental"][rawValue]! }
}

/// Administrative level of a department.
public enum DepartmentLevel: String, CatalogTerm {
    case province, city, district, unit
    public var zh: String { ["province": "省级", "city": "市级", "district": "区级", "unit": "单位"][rawValue]! }
    public var en: String { capitalize(rawValue) }
}

/// Sensitivity of an information item or standard. `secret` marks 涉密 content.
public enum Sensitivity: String, CatalogTerm, Comparable {
    case `public`, `internal`, sensitive, secret
    public var zh: String { ["public": "公开", "internal": "内部", "sensitive": "敏感", "secret": "涉密"][rawValue]! }
    public var en: String { capitalize(rawValue) }
    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// Data types used in catalog systems (字符型 C …).
public enum DataType: String, CatalogTerm {
    case C, N, I, F, Y, D, T, L, M, G, B
    public var zh: String {
        ["C": "字符型", "N": "数值型", "I": "整型", "F": "浮点型", "Y": "货币型", "D": "日期型", "T": "日期时间型",
         "L": "逻辑型", "M": "备注型", "G": "通用型", "B": "双精度型"][rawValue]!
    }
    public var en: String {
        ["C": "Character", "N": "Numeric", "I": "Integer", "F": "Float", "Y": "Currency", "D": "Date", "T": "Date-time",
         "L": "Logical", "M": "Memo", "G": "General", "B": "Double"][rawValue]!
    }
    /// Whether a length limit applies to values of this type.
    public var hasLength: Bool { [.C, .N, .Y, .F, .B].contains(self) }
}

/// What an information item means, beyond its data type; drives validation and masking.
public enum SemanticKind: String, CatalogTerm {
    case plain, residentID, creditCode, mobile, landline, regionCode, postalCode, email, date, personName, address, plate
    public var zh: String {
        ["plain": "普通", "residentID": "公民身份号码", "creditCode": "统一社会信用代码", "mobile": "手机号码",
         "landline": "固定电话", "regionCode": "行政区划代码", "postalCode": "邮政编码", "email": "电子邮箱",
         "date": "日期", "personName": "姓名", "address": "地址", "plate": "车牌号码"][rawValue]!
    }
    public var en: String {
        ["plain": "Plain", "residentID": "Resident ID number", "creditCode": "Unified social credit code",
         "mobile": "Mobile phone", "landline": "Landline", "regionCode": "Administrative region code",
         "postalCode": "Postal code", "email": "Email", "date": "Date", "personName": "Person name",
         "address": "Address", "plate": "Licence plate"][rawValue]!
    }
}

/// The open portal's themes (Nanhai's 17 themes and the national portal's).
public enum Theme: String, CatalogTerm {
    case economy, enterprise, credit, finance, employment, socialSecurity, health, education, transport,
         housing, urbanConstruction, environment, publicSafety, civilAffairs, culture, agriculture, government
    public var zh: String {
        ["economy": "经济建设", "enterprise": "企业服务", "credit": "信用服务", "finance": "财税金融",
         "employment": "就业创业", "socialSecurity": "社保就业", "health": "医疗卫生", "education": "教育文化",
         "transport": "交通出行", "housing": "住房保障", "urbanConstruction": "城建住房", "environment": "资源环境",
         "publicSafety": "公共安全", "civilAffairs": "民政服务", "culture": "文化休闲", "agriculture": "农业农村",
         "government": "机构团体"][rawValue]!
    }
    public var en: String {
        ["economy": "Economy", "enterprise": "Enterprise services", "credit": "Credit", "finance": "Tax and finance",
         "employment": "Employment", "socialSecurity": "Social security", "health": "Health", "education": "Education",
         "transport": "Transport", "housing": "Affordable housing", "urbanConstruction": "Urban construction",
         "environment": "Environment", "publicSafety": "Public safety", "civilAffairs": "Civil affairs",
         "culture": "Culture and leisure", "agriculture": "Agriculture", "government": "Government bodies"][rawValue]!
    }
}

/// "daily" → "Daily"; Foundation-free.
func capitalize(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }
