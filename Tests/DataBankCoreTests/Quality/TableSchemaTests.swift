import Testing
@testable import DataBankCore

/// A resource with a pattern, a code list, a semantic kind, an amount with precision and written rules.
enum SchemaFixture {
    static let standards: [ItemStandard] = [
        ItemStandard(code: "DE00001", name: "统一社会信用代码", definition: "18位代码。", dataType: .C, length: 18,
                     pattern: "^[0-9A-HJ-NPQRTUWXY]{18}$", semanticKind: .creditCode, sensitivity: .public),
        ItemStandard(code: "DE00002", name: "企业名称", definition: "登记名称。", dataType: .C, length: 200, sensitivity: .public),
        ItemStandard(code: "DE00003", name: "性别", definition: "性别代码。", dataType: .C, length: 1,
                     codeList: [CodeListEntry(code: "1", label: "男"), CodeListEntry(code: "2", label: "女")]),
        ItemStandard(code: "DE00004", name: "金额", definition: "人民币元。", dataType: .Y, length: 18, precision: 2),
        ItemStandard(code: "DE00005", name: "登记日期", definition: "日期。", dataType: .D, semanticKind: .date),
        ItemStandard(code: "DE00006", name: "人数", definition: "人数。", dataType: .I),
        ItemStandard(code: "DE00007", name: "备注", definition: "说明。", dataType: .C, length: 500, sensitivity: .internal),
        ItemStandard(code: "DE00008", name: "是否有效", definition: "是否。", dataType: .L),
    ]
    static var byCode: [String: ItemStandard] { Dictionary(uniqueKeysWithValues: standards.map { ($0.code, $0) }) }

    static let resource = ResourceSnapshot(
        code: "101001-00023", name: "企业登记信息", departmentCode: "440605001", classification: "101001", catalogKind: .base,
        abstract: "本市企业的登记信息。", format: .table,
        items: [
            InformationItem(name: "统一社会信用代码", column: "credit_code", standardCode: "DE00001", dataType: .C, length: 18,
                            primaryKey: true, required: true, sensitivity: .public, queryField: true),
            InformationItem(name: "企业名称", column: "org_name", standardCode: "DE00002", dataType: .C, length: 100, required: true, sensitivity: .public),
            InformationItem(name: "性别", column: "gender", standardCode: "DE00003", dataType: .C, length: 1),
            InformationItem(name: "注册资本", column: "capital", standardCode: "DE00004", dataType: .Y, length: 18),
            InformationItem(name: "登记日期", column: "reg_date", standardCode: "DE00005", dataType: .D),
            InformationItem(name: "从业人数", column: "staff", standardCode: "DE00006", dataType: .I, sensitivity: .sensitive),
            InformationItem(name: "是否有效", column: "active", standardCode: "DE00008", dataType: .L),
        ],
        sharing: SharingAttributes(type: .unconditional, method: .api), open: OpenAttributes(type: .unconditional), updateCycle: .daily)

    static let written: [QualityRule] = [
        QualityRule(id: "r1", kind: .expression, column: nil, name: "人数非负", nameEn: "staff >= 0", derived: false,
                    expression: "staff >= 0", errorType: "constraint-error"),
        QualityRule(id: "r2", kind: .referential, column: "credit_code", name: "x", nameEn: "x", derived: false,
                    references: "101001-00001.credit_code", errorType: "foreign-key"),
    ]

    static func problems(_ text: String) -> [TableSchemaProblem] {
        do { _ = try TableSchema.parse(text); return [] } catch { return error.problems }
    }

    static func field(_ json: String) -> String { #"{"fields": [\#(json)]}"# }
}

@Suite("Table Schema")
struct TableSchemaTests {
    typealias F = SchemaFixture

    /// Each supported Frictionless type becomes its DataBank type; `any` is stored as text; a string's maxLength is its length.
    @Test func typeMapping() throws {
        let s = try TableSchema.parse(#"""
            {"fields": [{"name": "a", "type": "string", "constraints": {"maxLength": 20}}, {"name": "b", "type": "integer"},
             {"name": "c", "type": "number"}, {"name": "d", "type": "boolean"}, {"name": "e", "type": "date"},
             {"name": "f", "type": "datetime"}, {"name": "g", "type": "year"}, {"name": "h", "type": "any"}, {"name": "i"}]}
            """#)
        let layout = s.layout()
        #expect(layout.columns.map(\.type) == [.C, .I, .N, .L, .D, .T, .I, .C, .C])
        #expect(layout.columns[0].length == 20)
    }

    /// Types DataBank has no column for (geojson, object, array, duration …) are refused at `fields[i].type`.
    @Test(arguments: ["geojson", "object", "array", "duration", "time", "geopoint", "yearmonth", "list"])
    func unsupportedTypes(_ type: String) {
        let p = F.problems(F.field(#"{"name": "a"}, {"name": "b", "type": "\#(type)"}"#))
        #expect(p.map(\.code) == ["unsupported_type"])
        #expect(p.first?.path == "fields[1].type")
    }

    /// A type Frictionless does not have is refused as unknown, with its path.
    @Test func unknownType() {
        let p = F.problems(F.field(#"{"name": "a", "type": "strin"}"#))
        #expect(p.map(\.code) == ["unknown_type"])
        #expect(p.first?.path == "fields[0].type")
    }

    /// Text that is not JSON is refused with the line and column of the fault.
    @Test func invalidJSONPosition() {
        let p = F.problems("{\n  \"fields\": [\n    {\"name\": \"a\",}\n  ]\n}")
        #expect(p.first?.code == "invalid_json")
        #expect(p.first?.line == 3)
        #expect(p.first?.column == 18)
        #expect(p.first?.fieldError.messageEn.hasPrefix("line 3, column 18: not valid JSON") == true)
    }

    /// Columns count characters, not bytes, so a Chinese title before the fault does not shift it.
    @Test func invalidJSONColumnCountsCharacters() {
        let p = F.problems(#"{"fields": [{"name": "a", "title": "名称" "type": "string"}]}"#)
        #expect(p.first?.line == 1)
        #expect(p.first?.column == 41)
    }

    /// An unterminated document, bytes that are not UTF-8 and a trailing text are each refused.
    @Test func truncatedAndBinary() throws {
        #expect(F.problems(#"{"fields": [{"name": "a""#).first?.code == "invalid_json")
        #expect(throws: TableSchemaError.self) { try TableSchema.parse([0x7B, 0xFF, 0x7D]) }
        #expect(F.problems(#"{"fields": [{"name": "a"}]} x"#).first?.code == "invalid_json")
    }

    /// A second field of the same name is refused at its own name.
    @Test func duplicateFieldNames() {
        let p = F.problems(F.field(#"{"name": "a"}, {"name": "b"}, {"name": "a"}"#))
        #expect(p.map(\.code) == ["duplicate_field"])
        #expect(p.first?.path == "fields[2].name")
    }

    /// An enum with a repeated value is refused at the repetition (values compared as the field's type: 1 and "1" repeat).
    @Test func duplicateEnumValues() {
        let p = F.problems(F.field(#"{"name": "a", "type": "integer", "constraints": {"enum": [1, 2, "1"]}}"#))
        #expect(p.map(\.code) == ["duplicate_enum_value"])
        #expect(p.first?.path == "fields[0].constraints.enum[2]")
    }

    /// A pattern that does not compile is refused naming the field's pattern.
    @Test func invalidPattern() {
        let p = F.problems(F.field(#"{"name": "a"}, {"name": "b", "constraints": {"pattern": "[0-9"}}"#))
        #expect(p.map(\.code) == ["invalid_pattern"])
        #expect(p.first?.path == "fields[1].constraints.pattern")
    }

    /// A primary key (string or list) naming an unknown field is refused at that name.
    @Test func primaryKeyUnknownField() throws {
        #expect(try TableSchema.parse(#"{"fields": [{"name": "a"}], "primaryKey": "a"}"#).primaryKey == ["a"])
        let p = F.problems(#"{"fields": [{"name": "a"}], "primaryKey": ["a", "z"]}"#)
        #expect(p.map(\.code) == ["unknown_field"])
        #expect(p.first?.path == "primaryKey[1]")
    }

    /// A foreign key naming an unknown field of this table is refused; one to another resource becomes a referential rule.
    @Test func foreignKeys() throws {
        let p = F.problems(#"{"fields": [{"name": "a"}], "foreignKeys": [{"fields": "x", "reference": {"resource": "r", "fields": "id"}}]}"#)
        #expect(p.first?.path == "foreignKeys[0].fields")
        let s = try TableSchema.parse(#"{"fields": [{"name": "a"}], "foreignKeys": [{"fields": "a", "reference": {"resource": "101001-00001", "fields": "id"}}]}"#)
        let rule = try #require(s.rules().first { $0.kind == .referential })
        #expect(rule.references == "101001-00001.id")
        #expect(rule.errorType == "foreign-key")
    }

    /// A constraint the type does not have (a pattern on an integer) and a bound of the wrong type are refused.
    @Test func constraintNotApplicable() {
        #expect(F.problems(F.field(#"{"name": "a", "type": "integer", "constraints": {"pattern": "1"}}"#)).map(\.path)
                == ["fields[0].constraints.pattern"])
        #expect(F.problems(F.field(#"{"name": "a", "type": "date", "constraints": {"minimum": "yesterday"}}"#)).map(\.code)
                == ["invalid_constraint"])
    }

    /// Every problem is reported at once, each with its own path.
    @Test func allProblemsAtOnce() {
        let p = F.problems(F.field(#"{"name": "a", "type": "geojson"}, {"name": "a", "constraints": {"pattern": "("}}"#))
        #expect(Set(p.map(\.path)) == ["fields[0].type", "fields[1].name", "fields[1].constraints.pattern"])
    }

    /// A `databank:rules` expression that does not compile is refused with the character at fault.
    @Test func writtenRuleCompileError() {
        let p = F.problems(#"{"fields": [{"name": "a", "type": "integer"}], "databank:rules": [{"expression": "a >= 'x' +"}]}"#)
        #expect(p.first?.path == "databank:rules[0].expression")
        #expect(p.first?.message.contains("第") == true)
    }

    /// One rule per constraint, with its Frictionless error type and constraint name.
    @Test func rulesPerConstraint() throws {
        let s = try TableSchema.parse(#"""
            {"fields": [{"name": "id", "type": "integer", "constraints": {"required": true, "minimum": 1, "maximum": 99, "unique": true}},
                        {"name": "code", "constraints": {"minLength": 2, "maxLength": 4, "pattern": "[A-Z]+", "enum": ["AB", "ABC"]}}],
             "primaryKey": "id"}
            """#)
        let rules = s.rules()
        #expect(rules.map(\.id) == ["tableschema:id:type", "tableschema:id:required", "tableschema:id:minimum", "tableschema:id:maximum",
                                    "tableschema:id:unique", "tableschema:code:type", "tableschema:code:minLength", "tableschema:code:maxLength",
                                    "tableschema:code:pattern", "tableschema:code:enum", "tableschema:id:primaryKey"])
        #expect(rules.map(\.errorType) == ["type-error", "constraint-error", "constraint-error", "constraint-error", "unique-error", "type-error",
                                           "constraint-error", "constraint-error", "constraint-error", "constraint-error", "primary-key"])
        #expect(rules.compactMap(\.frictionlessConstraint) == ["required", "minimum", "maximum", "unique", "minLength", "maxLength", "pattern", "enum"])
        #expect(rules[2].minimum == "1" && rules[3].maximum == "99")
    }

    /// Export → text → parse gives the same schema, and its items are the resource's items.
    @Test func roundTrip() throws {
        let exported = TableSchema(resource: F.resource, standards: F.byCode, rules: F.written)
        let text = exported.serialized()
        let parsed = try TableSchema.parse(text)
        #expect(parsed == exported)
        let draft = try parsed.itemDraft(standards: F.standards)
        #expect(draft.items == F.resource.items)
        #expect(draft.rules == [TableSchema.WrittenRule(name: "人数非负", expression: "staff >= 0")])
        #expect(draft.references.map(\.references) == ["101001-00001.credit_code"])
        #expect(TableSchema(resource: F.resource, items: draft.items, standards: F.byCode,
                            rules: F.written).fields == exported.fields)
    }

    /// The export carries Frictionless constraints from items and standards, and DataBank facts in `databank:` properties.
    @Test func exportContent() throws {
        let s = TableSchema(resource: F.resource, standards: F.byCode, rules: F.written)
        let json = s.json()
        let credit = try #require(json["fields"]?.arrayValue?.first)
        #expect(credit["type"] == .string("string"))
        #expect(credit["title"] == .string("统一社会信用代码"))
        #expect(credit["constraints"]?["maxLength"] == .number("18"))
        #expect(credit["constraints"]?["pattern"] == .string("^[0-9A-HJ-NPQRTUWXY]{18}$"))
        #expect(credit["databank:semantic"] == .string("creditCode"))
        #expect(s.field(named: "gender")?.constraints.enumValues == ["1", "2"])
        #expect(s.field(named: "capital")?.databank.dataType == .Y)
        #expect(s.field(named: "capital")?.databank.precision == 2)
        #expect(json["primaryKey"] == .array([.string("credit_code")]))
        #expect(json["databank:rules"]?.arrayValue?.count == 1)
        #expect(json["foreignKeys"]?.arrayValue?.first?["reference"]?["resource"] == .string("101001-00001"))
    }

    /// Unknown properties are kept as read, so a schema from elsewhere survives DataBank unchanged.
    @Test func unknownPropertiesKept() throws {
        let text = #"{"fields": [{"name": "a", "rdfType": "http://schema.org/name", "example": "x"}], "title": "T", "$schema": "s"}"#
        let s = try TableSchema.parse(text)
        #expect(s.json()["title"] == .string("T"))
        #expect(s.json()["fields"]?.arrayValue?.first?["rdfType"] == .string("http://schema.org/name"))
        #expect(try TableSchema.parse(s.serialized()) == s)
    }

    /// Importing binds a standard by `databank:standard`, by title, or the most general one of the type,
    /// and turns constraints the standard lacks into expression rules; `unique` is reported as not kept.
    @Test func itemDraftBindsStandards() throws {
        let s = try TableSchema.parse(#"""
            {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "title": "企业名称", "constraints": {"maxLength": 50}},
                        {"name": "note", "constraints": {"pattern": "[a-z]+", "minLength": 2, "unique": true}},
                        {"name": "day", "type": "date", "constraints": {"minimum": "2020-01-01"}}],
             "primaryKey": ["id"]}
            """#)
        let draft = try s.itemDraft(standards: F.standards)
        #expect(draft.items.map(\.standardCode) == ["DE00006", "DE00002", "DE00002", "DE00005"])   // the least sensitive text standard
        #expect(draft.items[1].length == 50)
        #expect(draft.items[0].primaryKey)
        #expect(draft.rules.map(\.expression) == ["length(note) >= 2", "matches(note, '^(?:[a-z]+)$')", "day >= '2020-01-01'"])
        #expect(draft.notKept.isEmpty)
        #expect(draft.items[2].unique)  // kept as the item's unique flag
        for rule in draft.rules { #expect(throws: Never.self) { try RuleCompiler.compile(rule.expression, layout: s.layout()).get() } }
    }

    /// Importing refuses a schema without a key, a field name that cannot be a column, and an unknown standard.
    @Test func itemDraftRefusals() {
        func problems(_ text: String) -> [String] {
            do { _ = try TableSchema.parse(text).itemDraft(standards: F.standards); return [] } catch { return error.problems.map { "\($0.path) \($0.code)" } }
        }
        #expect(problems(#"{"fields": [{"name": "a"}]}"#) == ["primaryKey no_primary_key"])
        #expect(problems(#"{"fields": [{"name": "Name"}], "primaryKey": "Name"}"#) == ["fields[0].name invalid_column"])
        #expect(problems(#"{"fields": [{"name": "a", "databank:standard": "X9"}], "primaryKey": "a"}"#) == ["fields[0].databank:standard unknown_standard"])
        #expect(problems(#"{"fields": [{"name": "a", "constraints": {"maxLength": 900}}], "primaryKey": "a"}"#) == ["fields[0].type no_standard"])
    }

    /// A schema compared with a resource names missing and extra fields, type and constraint differences.
    @Test func differences() throws {
        let own = TableSchema(resource: F.resource, standards: F.byCode)
        var other = own
        other.fields.removeLast()
        other.fields.append(TableSchema.Field(name: "extra", type: .string))
        other.fields[5].type = .number
        other.fields[1].constraints.maxLength = 50
        let d = other.differences(from: own)
        #expect(d.map(\.kind) == ["missing_field", "constraint_difference", "type_mismatch", "extra_field"])
        #expect(d[1].property == "maxLength" && d[1].schema == "50" && d[1].resource == "100")
        #expect(own.differences(from: own).isEmpty)
    }

    /// The Data Package names the CSV as data/<code>.csv, UTF-8, with the schema inside.
    @Test func dataPackage() {
        let schema = TableSchema(resource: F.resource, standards: F.byCode)
        let d = DataPackage.descriptor(resource: F.resource, schema: schema, licenses: [.init(name: "CC-BY-4.0")])
        let r = d["resources"]?.arrayValue?.first
        #expect(d["name"] == .string("101001-00023"))
        #expect(r?["path"] == .string("data/101001-00023.csv"))
        #expect(r?["encoding"] == .string("utf-8"))
        #expect(r?["schema"] == schema.json())
        #expect(d["licenses"]?.arrayValue?.first?["name"] == .string("CC-BY-4.0"))
    }

    /// JSON text is read strictly and written back with its escapes, numbers as written.
    @Test func jsonReaderWriter() throws {
        let v = try JSONReader.parse(#"{"a": [1, -2.50, 1e3, true, null], "b": "x\"\n\u00e9\ud83d\ude00"}"#)
        #expect(v["a"] == .array([.number("1"), .number("-2.50"), .number("1e3"), .bool(true), .null]))
        #expect(v["b"] == .string("x\"\né😀"))
        #expect(try JSONReader.parse(v.serialized()) == v)
        #expect(throws: TableSchemaError.self) { try JSONReader.parse("[01]") }
    }

    /// Missing values: the field's own, else the schema's, else [""]; booleans read Frictionless's default true/false texts.
    @Test func missingAndBooleanDefaults() throws {
        let s = try TableSchema.parse(#"{"fields": [{"name": "a", "type": "boolean"}, {"name": "b", "missingValues": ["-"]}], "missingValues": ["", "NA"]}"#)
        #expect(s.missingValues(for: s.fields[0]) == ["", "NA"])
        #expect(s.missingValues(for: s.fields[1]) == ["-"])
        #expect(try TableSchema.parse(F.field(#"{"name": "a"}"#)).missingValues(for: TableSchema.Field(name: "a")) == [""])
        #expect(s.fields[0].effectiveTrueValues == ["true", "True", "TRUE", "1"])
    }
}
