/// The complete metadata of one information resource at one revision.
///
/// A snapshot is what a steward edits, what a revision freezes and what an edition lists.
/// It is plain data: validation lives in ``ResourceValidator``, comparison in ``ResourceDiff``.
public struct ResourceSnapshot: Codable, Hashable, Sendable {
    /// Resource code: classification code + "-" + sequence code, e.g. `101001-00023`.
    public var code: String
    public var name: String
    public var nameEn: String?
    /// Provider department code.
    public var departmentCode: String
    /// The provider's internal office (提供方内部部门).
    public var office: String?
    /// Classification code (类/项/目/细目 digits), the part of `code` before the hyphen.
    public var classification: String
    public var catalogKind: CatalogKind
    public var abstract: String
    public var format: ResourceFormat
    public var items: [InformationItem]
    public var sharing: SharingAttributes
    public var open: OpenAttributes
    public var updateCycle: UpdateCycle
    /// Publish date, `YYYY-MM-DD`.
    public var publishDate: String?
    public var relatedCodes: [String]
    public var themes: [Theme]
    public var tags: [String]
    public var contact: String?
    /// 涉密: visible only to signed-in users allowed to see classified resources.
    public var classified: Bool

    public init(
        code: String, name: String, nameEn: String? = nil, departmentCode: String, office: String? = nil,
        classification: String, catalogKind: CatalogKind, abstract: String, format: ResourceFormat,
        items: [InformationItem], sharing: SharingAttributes, open: OpenAttributes,
        updateCycle: UpdateCycle, publishDate: String? = nil, relatedCodes: [String] = [],
        themes: [Theme] = [], tags: [String] = [], contact: String? = nil, classified: Bool = false
    ) {
        self.code = code; self.name = name; self.nameEn = nameEn; self.departmentCode = departmentCode
        self.office = office; self.classification = classification; self.catalogKind = catalogKind
        self.abstract = abstract; self.format = format; self.items = items; self.sharing = sharing
        self.open = open; self.updateCycle = updateCycle; self.publishDate = publishDate
        self.relatedCodes = relatedCodes; self.themes = themes; self.tags = tags; self.contact = contact
        self.classified = classified
    }
}

/// One information item (信息项) of a resource: a column bound to an item standard.
public struct InformationItem: Codable, Hashable, Sendable {
    public var name: String
    /// Column name in the record store: lower-case letters, digits and underscores.
    public var column: String
    /// Code of the bound information-item standard.
    public var standardCode: String
    public var dataType: DataType
    public var length: Int?
    public var primaryKey: Bool
    public var required: Bool
    public var sensitivity: Sensitivity
    /// A query field: consumers filter on it, so its record-store column is indexed.
    public var queryField: Bool
    /// No two records share a value of this item (beyond the key, which is unique anyway): a
    /// derived `unique` rule checks it.
    public var unique: Bool

    public init(
        name: String, column: String, standardCode: String, dataType: DataType, length: Int? = nil,
        primaryKey: Bool = false, required: Bool = false, sensitivity: Sensitivity = .internal, queryField: Bool = false,
        unique: Bool = false
    ) {
        self.name = name; self.column = column; self.standardCode = standardCode; self.dataType = dataType
        self.length = length; self.primaryKey = primaryKey; self.required = required; self.sensitivity = sensitivity
        self.queryField = queryField; self.unique = unique
    }

    enum CodingKeys: String, CodingKey { case name, column, standardCode, dataType, length, primaryKey, required, sensitivity, queryField, unique }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        column = try c.decode(String.self, forKey: .column)
        standardCode = try c.decode(String.self, forKey: .standardCode)
        dataType = try c.decode(DataType.self, forKey: .dataType)
        length = try c.decodeIfPresent(Int.self, forKey: .length)
        primaryKey = try c.decodeIfPresent(Bool.self, forKey: .primaryKey) ?? false
        required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? false
        sensitivity = try c.decodeIfPresent(Sensitivity.self, forKey: .sensitivity) ?? .internal
        queryField = try c.decodeIfPresent(Bool.self, forKey: .queryField) ?? false
        unique = try c.decodeIfPresent(Bool.self, forKey: .unique) ?? false
    }
}

/// 共享属性.
public struct SharingAttributes: Codable, Hashable, Sendable {
    public var type: SharingType
    public var condition: String?
    public var method: SharingMethod
    /// Law, regulation or policy that grounds a 有条件 or 不予 decision.
    public var legalBasis: String?
    public init(type: SharingType, condition: String? = nil, method: SharingMethod, legalBasis: String? = nil) {
        self.type = type; self.condition = condition; self.method = method; self.legalBasis = legalBasis
    }
}

/// 开放属性.
public struct OpenAttributes: Codable, Hashable, Sendable {
    public var type: OpenType
    public var condition: String?
    public init(type: OpenType, condition: String? = nil) { self.type = type; self.condition = condition }
}

/// The facts about an information-item standard that validation of a resource needs.
public struct StandardSummary: Hashable, Sendable {
    public var code: String
    public var name: String
    public var dataType: DataType
    public var length: Int?
    public var sensitivity: Sensitivity
    public init(code: String, name: String, dataType: DataType, length: Int?, sensitivity: Sensitivity) {
        self.code = code; self.name = name; self.dataType = dataType; self.length = length; self.sensitivity = sensitivity
    }
}

/// An information-item standard (信息项标准) of the standards library.
public struct ItemStandard: Codable, Hashable, Sendable {
    public var code: String
    public var name: String
    public var nameEn: String?
    public var definition: String
    public var dataType: DataType
    public var length: Int?
    public var precision: Int?
    /// A regular expression every value must match, if any.
    public var pattern: String?
    /// Value domain: allowed codes and their labels, if the standard is a code list.
    public var codeList: [CodeListEntry]
    public var semanticKind: SemanticKind
    public var sensitivity: Sensitivity
    public var version: String
    /// Inclusive bounds every value keeps, as canonical text of the type ("0", "1900-01-01"), if any.
    public var minimum: String?
    public var maximum: String?
    /// A date (or date-time) that cannot be later than today in the city (不晚于当日): births,
    /// establishments, approvals. nil and false: no such rule.
    public var notFuture: Bool?

    public init(
        code: String, name: String, nameEn: String? = nil, definition: String, dataType: DataType,
        length: Int? = nil, precision: Int? = nil, pattern: String? = nil, codeList: [CodeListEntry] = [],
        semanticKind: SemanticKind = .plain, sensitivity: Sensitivity = .internal, version: String = "1.0",
        minimum: String? = nil, maximum: String? = nil, notFuture: Bool? = nil
    ) {
        self.code = code; self.name = name; self.nameEn = nameEn; self.definition = definition
        self.dataType = dataType; self.length = length; self.precision = precision; self.pattern = pattern
        self.codeList = codeList; self.semanticKind = semanticKind; self.sensitivity = sensitivity; self.version = version
        self.minimum = minimum; self.maximum = maximum; self.notFuture = notFuture
    }

    /// Whether the standard says its dates cannot be in the future (only dates and date-times can).
    public var forbidsFuture: Bool { notFuture == true && [.D, .T].contains(dataType) }

    public var summary: StandardSummary {
        StandardSummary(code: code, name: name, dataType: dataType, length: length, sensitivity: sensitivity)
    }
}

/// One code of a value domain.
public struct CodeListEntry: Codable, Hashable, Sendable {
    public var code: String
    public var label: String
    public init(code: String, label: String) { self.code = code; self.label = label }
}

/// A department of the city: bureaus, districts and their units.
public struct DepartmentInfo: Codable, Hashable, Sendable {
    public var code: String
    public var name: String
    public var nameEn: String
    public var level: DepartmentLevel
    public var parentCode: String?
    public var contact: String?
    public init(code: String, name: String, nameEn: String, level: DepartmentLevel, parentCode: String?, contact: String? = nil) {
        self.code = code; self.name = name; self.nameEn = nameEn; self.level = level; self.parentCode = parentCode; self.contact = contact
    }
}
