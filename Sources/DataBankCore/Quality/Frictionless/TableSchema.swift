/// A Frictionless Table Schema (v1, and the v2 additions DataBank uses): the fields of a table,
/// their types and constraints, its primary key and foreign keys.
///
/// Read with `parse(_: [UInt8])` (every problem refused with its JSON path, or the line and column
/// for text that is not JSON), written with ``json()``. DataBank's own facts travel in `databank:`
/// properties (`databank:type`, `databank:standard`, `databank:semantic`, `databank:rules` …), which
/// standard Frictionless readers ignore, so an export → import round trip loses nothing.
/// Properties DataBank does not know are kept as read (`extra`).
public struct TableSchema: Hashable, Sendable {
    public var fields: [Field]
    public var primaryKey: [String]
    public var foreignKeys: [ForeignKey]
    /// Cell texts that mean "no value"; Frictionless's default is `[""]`.
    public var missingValues: [String]?
    /// Cross-field rules in DataBank's expression language (`databank:rules`).
    public var writtenRules: [WrittenRule]
    /// Any other property of the schema (`title`, `$schema`, …), in order.
    public var extra: JSONValue

    public init(
        fields: [Field], primaryKey: [String] = [], foreignKeys: [ForeignKey] = [], missingValues: [String]? = nil,
        rules: [WrittenRule] = [], extra: JSONValue = .object([])
    ) {
        self.fields = fields; self.primaryKey = primaryKey; self.foreignKeys = foreignKeys
        self.missingValues = missingValues; self.writtenRules = rules; self.extra = extra
    }

    public func field(named name: String) -> Field? { fields.first { $0.name == name } }

    /// The Frictionless field types. DataBank stores `string`, `integer`, `number`, `boolean`,
    /// `date`, `datetime`, `year` and `any` (as text); the others have no record-store column
    /// type and are refused on import.
    public enum FieldType: String, Hashable, Sendable, CaseIterable {
        case string, number, integer, boolean, date, datetime, year, any
        case object, array, list, time, yearmonth, duration, geopoint, geojson

        /// The DataBank data type a field of this type becomes, nil when DataBank cannot store it.
        public var dataType: DataType? {
            switch self {
            case .string, .any: .C
            case .integer, .year: .I
            case .number: .N
            case .boolean: .L
            case .date: .D
            case .datetime: .T
            default: nil
            }
        }

        /// The DataBank types a `databank:type` may name for a field of this type.
        public var compatibleDataTypes: [DataType] {
            switch self {
            case .string, .any: [.C, .M, .G]
            case .number: [.N, .Y, .F, .B]
            case .integer, .year: [.I]
            case .boolean: [.L]
            case .date: [.D]
            case .datetime: [.T]
            default: []
            }
        }

        /// The Frictionless type of a DataBank column.
        public init(_ type: DataType) {
            switch type {
            case .C, .M, .G: self = .string
            case .N, .Y, .F, .B: self = .number
            case .I: self = .integer
            case .L: self = .boolean
            case .D: self = .date
            case .T: self = .datetime
            }
        }

        /// Whether `minimum`/`maximum` apply (and whether they are written as JSON numbers).
        var isOrdered: Bool { [.integer, .number, .year, .date, .datetime].contains(self) }
        var isNumeric: Bool { [.integer, .number, .year].contains(self) }
    }

    /// One column.
    public struct Field: Hashable, Sendable {
        public var name: String
        public var title: String?
        public var description: String?
        /// nil when the schema leaves it out (Frictionless then reads the field as `any`).
        public var type: FieldType?
        public var format: String?
        public var constraints: Constraints
        public var trueValues: [String]?
        public var falseValues: [String]?
        public var missingValues: [String]?
        public var databank: DataBankFacts
        /// Other properties of the field, kept as read.
        public var extra: JSONValue

        public init(
            name: String, title: String? = nil, description: String? = nil, type: FieldType? = nil, format: String? = nil,
            constraints: Constraints = Constraints(), trueValues: [String]? = nil, falseValues: [String]? = nil,
            missingValues: [String]? = nil, databank: DataBankFacts = DataBankFacts(), extra: JSONValue = .object([])
        ) {
            self.name = name; self.title = title; self.description = description; self.type = type; self.format = format
            self.constraints = constraints; self.trueValues = trueValues; self.falseValues = falseValues
            self.missingValues = missingValues; self.databank = databank; self.extra = extra
        }

        /// The field's type as Frictionless reads it.
        public var effectiveType: FieldType { type ?? .any }

        /// The DataBank data type: `databank:type` when given, else the type's own.
        public var dataType: DataType { databank.dataType ?? effectiveType.dataType ?? .C }
    }

    /// Field constraints. `minimum`, `maximum` and `enum` values are canonical text of the
    /// field's type (`"12.5"`, `"2024-01-31"`, `"true"`); they are written back as JSON numbers
    /// for numeric fields.
    public struct Constraints: Hashable, Sendable {
        public var required: Bool?
        public var unique: Bool?
        public var minLength: Int?
        public var maxLength: Int?
        public var minimum: String?
        public var maximum: String?
        public var pattern: String?
        public var enumValues: [String]?

        public init(
            required: Bool? = nil, unique: Bool? = nil, minLength: Int? = nil, maxLength: Int? = nil, minimum: String? = nil,
            maximum: String? = nil, pattern: String? = nil, enumValues: [String]? = nil
        ) {
            self.required = required; self.unique = unique; self.minLength = minLength; self.maxLength = maxLength
            self.minimum = minimum; self.maximum = maximum; self.pattern = pattern; self.enumValues = enumValues
        }

        public var isEmpty: Bool { self == Constraints() }
    }

    /// What DataBank knows of a field beyond Frictionless: `databank:type`, `databank:standard`,
    /// `databank:semantic`, `databank:sensitivity`, `databank:queryField`, `databank:length`, `databank:precision`.
    public struct DataBankFacts: Hashable, Sendable {
        public var dataType: DataType?
        public var standard: String?
        public var semantic: SemanticKind?
        public var sensitivity: Sensitivity?
        public var queryField: Bool?
        /// Total digits of a number column (text lengths are `maxLength`).
        public var length: Int?
        public var precision: Int?
        /// `databank:notFuture`: a date not later than today. Frictionless has no constraint for it (its
        /// `maximum` is a fixed value), so `frictionless validate` does not check it; DataBank does.
        public var notFuture: Bool?

        public init(
            dataType: DataType? = nil, standard: String? = nil, semantic: SemanticKind? = nil, sensitivity: Sensitivity? = nil,
            queryField: Bool? = nil, length: Int? = nil, precision: Int? = nil, notFuture: Bool? = nil
        ) {
            self.dataType = dataType; self.standard = standard; self.semantic = semantic; self.sensitivity = sensitivity
            self.queryField = queryField; self.length = length; self.precision = precision; self.notFuture = notFuture
        }
    }

    /// `{"fields": [...], "reference": {"resource": "...", "fields": [...]}}`. DataBank's
    /// referential rules name another resource by its code (`references` = `CODE.column`).
    public struct ForeignKey: Hashable, Sendable {
        public var fields: [String]
        /// The referenced resource; "" is the table itself.
        public var resource: String
        public var referenceFields: [String]
        public init(fields: [String], resource: String, referenceFields: [String]) {
            self.fields = fields; self.resource = resource; self.referenceFields = referenceFields
        }
    }

    /// A rule written in DataBank's expression language, carried in `databank:rules`.
    public struct WrittenRule: Hashable, Sendable {
        public var name: String?
        public var expression: String
        public init(name: String? = nil, expression: String) { self.name = name; self.expression = expression }
    }
}

extension TableSchema {
    /// Frictionless's defaults, for readers of cells (a cell equal to one of these is a boolean).
    public static let defaultTrueValues = ["true", "True", "TRUE", "1"]
    public static let defaultFalseValues = ["false", "False", "FALSE", "0"]

    /// The texts that mean "no value" in `field`: its own `missingValues` (v2), else the schema's, else `[""]`.
    public func missingValues(for field: Field) -> [String] { field.missingValues ?? missingValues ?? [""] }
}

extension TableSchema.Field {
    public var effectiveTrueValues: [String] { trueValues ?? TableSchema.defaultTrueValues }
    public var effectiveFalseValues: [String] { falseValues ?? TableSchema.defaultFalseValues }
}
