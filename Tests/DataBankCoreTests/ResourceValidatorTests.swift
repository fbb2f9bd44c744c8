import Testing
@testable import DataBankCore

/// A small standards library and department list, and one resource that satisfies every rule.
enum ValidatorFixture {
    static let standards: [String: StandardSummary] = [
        "credit_code": StandardSummary(code: "credit_code", name: "统一社会信用代码", dataType: .C, length: 18, sensitivity: .public),
        "org_name": StandardSummary(code: "org_name", name: "单位名称", dataType: .C, length: 200, sensitivity: .public),
        "id_number": StandardSummary(code: "id_number", name: "公民身份号码", dataType: .C, length: 18, sensitivity: .sensitive),
        "reg_date": StandardSummary(code: "reg_date", name: "登记日期", dataType: .D, length: nil, sensitivity: .internal),
    ]
    static let validator = ResourceValidator(departments: ["440605001", "440605002"], standards: standards)

    static let valid = ResourceSnapshot(
        code: "101001-00023", name: "企业登记信息", nameEn: "Enterprise registration", departmentCode: "440605001",
        classification: "101001", catalogKind: .base, abstract: "本市企业的登记信息。", format: .table,
        items: [
            InformationItem(name: "统一社会信用代码", column: "credit_code", standardCode: "credit_code", dataType: .C,
                            length: 18, primaryKey: true, required: true, sensitivity: .public),
            InformationItem(name: "企业名称", column: "org_name", standardCode: "org_name", dataType: .C, length: 100,
                            sensitivity: .public),
            InformationItem(name: "法定代表人身份号码", column: "legal_rep_id", standardCode: "id_number", dataType: .C,
                            length: 18, sensitivity: .secret),
            InformationItem(name: "成立日期", column: "reg_date", standardCode: "reg_date", dataType: .D),
        ],
        sharing: SharingAttributes(type: .unconditional, method: .api),
        open: OpenAttributes(type: .unconditional), updateCycle: .daily, publishDate: "2024-02-29",
        relatedCodes: ["101001-00024", "3010-1"], themes: [.enterprise], tags: ["企业"])

    static func validate(_ edit: (inout ResourceSnapshot) -> Void) -> [FieldError] {
        var r = valid
        edit(&r)
        return validator.validate(r)
    }
}

/// One broken snapshot and the single error it must produce.
struct RuleCase: CustomTestStringConvertible, Sendable {
    var label: String
    var field: String
    var code: String
    var edit: @Sendable (inout ResourceSnapshot) -> Void
    var testDescription: String { label }
}

@Suite("ResourceValidator")
struct ResourceValidatorTests {
    static let rules: [RuleCase] = [
        RuleCase(label: "malformed code", field: "code", code: "invalid_format") { $0.code = "101001_00023" },
        RuleCase(label: "letters in code", field: "code", code: "invalid_format") { $0.code = "A01001-00023" },
        RuleCase(label: "classification mismatch", field: "classification", code: "mismatch") { $0.classification = "101002" },
        RuleCase(label: "catalog kind vs first digit", field: "catalogKind", code: "mismatch") { $0.catalogKind = .departmental },
        RuleCase(label: "empty name", field: "name", code: "required") { $0.name = "" },
        RuleCase(label: "blank name", field: "name", code: "required") { $0.name = "  \u{3000}" },
        RuleCase(label: "name too long", field: "name", code: "too_long") { $0.name = String(repeating: "表", count: 201) },
        RuleCase(label: "unknown department", field: "departmentCode", code: "unknown_department") { $0.departmentCode = "999" },
        RuleCase(label: "missing abstract", field: "abstract", code: "required") { $0.abstract = " " },
        RuleCase(label: "有条件 without legal basis", field: "sharing.legalBasis", code: "required") {
            $0.sharing = SharingAttributes(type: .conditional, condition: "仅限政务用途", method: .api)
        },
        RuleCase(label: "不予 without legal basis", field: "sharing.legalBasis", code: "required") {
            $0.sharing = SharingAttributes(type: .none, method: .file, legalBasis: "  ")
        },
        RuleCase(label: "conditional sharing without condition", field: "sharing.condition", code: "required") {
            $0.sharing = SharingAttributes(type: .conditional, method: .api, legalBasis: "《政务信息资源共享管理暂行办法》")
        },
        RuleCase(label: "conditional opening without condition", field: "open.condition", code: "required") {
            $0.open = OpenAttributes(type: .conditional)
        },
        RuleCase(label: "classified but open", field: "open.type", code: "classified_open") { $0.classified = true },
        RuleCase(label: "classified, conditionally open", field: "open.type", code: "classified_open") {
            $0.classified = true; $0.open = OpenAttributes(type: .conditional, condition: "申请")
        },
        RuleCase(label: "no 30 February", field: "publishDate", code: "invalid_date") { $0.publishDate = "2023-02-30" },
        RuleCase(label: "no 29 February in 1900", field: "publishDate", code: "invalid_date") { $0.publishDate = "1900-02-29" },
        RuleCase(label: "month 13", field: "publishDate", code: "invalid_date") { $0.publishDate = "2023-13-01" },
        RuleCase(label: "unpadded date", field: "publishDate", code: "invalid_date") { $0.publishDate = "2023-1-01" },
        RuleCase(label: "slashed date", field: "publishDate", code: "invalid_date") { $0.publishDate = "2023/01/01" },
        RuleCase(label: "bad related code", field: "relatedCodes[1]", code: "invalid_format") {
            $0.relatedCodes = ["101001-00024", "101001-"]
        },
        RuleCase(label: "no items", field: "items", code: "required") { $0.items = [] },
        RuleCase(label: "upper-case column", field: "items[1].column", code: "invalid_format") { $0.items[1].column = "OrgName" },
        RuleCase(label: "column starting with digit", field: "items[1].column", code: "invalid_format") { $0.items[1].column = "1name" },
        RuleCase(label: "column with hyphen", field: "items[1].column", code: "invalid_format") { $0.items[1].column = "org-name" },
        RuleCase(label: "column of 64 characters", field: "items[1].column", code: "invalid_format") {
            $0.items[1].column = "c" + String(repeating: "x", count: 63)
        },
        RuleCase(label: "duplicate column", field: "items[2].column", code: "duplicate") { $0.items[2].column = "org_name" },
        RuleCase(label: "blank item name", field: "items[3].name", code: "required") { $0.items[3].name = " " },
        RuleCase(label: "unknown standard", field: "items[1].standardCode", code: "unknown_standard") {
            $0.items[1].standardCode = "no_such_standard"
        },
        RuleCase(label: "type mismatch", field: "items[3].dataType", code: "type_mismatch") { $0.items[3].dataType = .C },
        RuleCase(label: "length exceeding the standard", field: "items[0].length", code: "exceeds_standard") {
            $0.items[0].length = 19
        },
        RuleCase(label: "zero length", field: "items[1].length", code: "invalid") { $0.items[1].length = 0 },
        RuleCase(label: "length on a date item", field: "items[3].length", code: "not_applicable") { $0.items[3].length = 8 },
        RuleCase(label: "classification outside 1–3", field: "code", code: "unknown_class") {
            $0.code = "401001-00023"; $0.classification = "401001"
        },
        RuleCase(label: "sensitivity below standard", field: "items[2].sensitivity", code: "below_standard") {
            $0.items[2].sensitivity = .internal
        },
        RuleCase(label: "no primary key", field: "items", code: "no_primary_key") { $0.items[0].primaryKey = false },
    ]

    /// A complete, consistent snapshot passes with no errors.
    @Test func validSnapshotPasses() {
        #expect(ValidatorFixture.validator.validate(ValidatorFixture.valid) == [])
    }

    /// Each rule, broken alone, reports exactly one error naming its field path and code.
    @Test(arguments: rules)
    func ruleFails(_ rule: RuleCase) {
        let errors = ValidatorFixture.validate(rule.edit)
        #expect(errors.map(\.field) == [rule.field])
        #expect(errors.map(\.code) == [rule.code])
        #expect(errors.allSatisfy { !$0.message.isEmpty && !$0.messageEn.isEmpty })
    }

    /// Sharing exceptions pass once they cite a legal basis (and, if conditional, the condition).
    @Test func exceptionsWithBasisPass() {
        let conditional = ValidatorFixture.validate {
            $0.sharing = SharingAttributes(type: .conditional, condition: "仅限政务用途", method: .api, legalBasis: "《网络安全法》")
        }
        let none = ValidatorFixture.validate { $0.sharing = SharingAttributes(type: .none, method: .file, legalBasis: "《保守国家秘密法》") }
        #expect(conditional == [])
        #expect(none == [])
    }

    /// A classified resource that is not open, and one without a publish date, are both fine.
    @Test func classifiedClosedAndUndatedPass() {
        #expect(ValidatorFixture.validate { $0.classified = true; $0.open = OpenAttributes(type: .closed) } == [])
        #expect(ValidatorFixture.validate { $0.publishDate = nil } == [])
    }

    /// A name of exactly 200 characters and a column of exactly 63 are within the limits.
    @Test func limitsAreInclusive() {
        #expect(ValidatorFixture.validate { $0.name = String(repeating: "表", count: 200) } == [])
        #expect(ValidatorFixture.validate { $0.items[1].column = "c" + String(repeating: "x", count: 62) } == [])
    }

    /// A malformed code skips the classification and catalog-kind checks instead of piling up errors.
    @Test func malformedCodeReportsOnlyItself() {
        let errors = ValidatorFixture.validate { $0.code = "not a code"; $0.classification = "999"; $0.catalogKind = .thematic }
        #expect(errors.map(\.field) == ["code"])
    }

    /// An item bound to an unknown standard reports only that, not type or length problems.
    @Test func unknownStandardSkipsItsChecks() {
        let errors = ValidatorFixture.validate {
            $0.items[1].standardCode = "nope"; $0.items[1].dataType = .N; $0.items[1].length = 9999
        }
        #expect(errors.map(\.field) == ["items[1].standardCode"])
    }

    /// Catalog kinds 1 基础, 2 主题, 3 部门 each match their classification's first digit.
    @Test(arguments: [("101001-00001", "101001", CatalogKind.base), ("201001-00001", "201001", .thematic),
                      ("301001-00001", "301001", .departmental)])
    func catalogKindMatches(_ code: String, _ cls: String, _ kind: CatalogKind) {
        #expect(ValidatorFixture.validate { $0.code = code; $0.classification = cls; $0.catalogKind = kind } == [])
    }

    /// Several problems are all reported at once, in field order, so a form can show them together.
    @Test func reportsEverythingAtOnce() {
        let errors = ValidatorFixture.validate {
            $0.name = ""
            $0.departmentCode = "nowhere"
            $0.sharing = SharingAttributes(type: .none, method: .api)
            $0.publishDate = "2023-02-30"
            $0.items[1].standardCode = "ghost"
            $0.items[0].length = 40
            $0.items[0].primaryKey = false
        }
        #expect(errors.map { "\($0.field) \($0.code)" } == [
            "name required",
            "departmentCode unknown_department",
            "sharing.legalBasis required",
            "publishDate invalid_date",
            "items[0].length exceeds_standard",
            "items[1].standardCode unknown_standard",
            "items no_primary_key",
        ])
    }

    /// Leap years follow the Gregorian rule: 2024 and 2000 have 29 February, 2023 and 1900 do not.
    @Test(arguments: [("2024-02-29", true), ("2000-02-29", true), ("2023-02-29", false), ("1900-02-29", false),
                      ("2023-04-31", false), ("2023-12-31", true), ("2023-01-00", false), ("20230101", false),
                      ("2023-01-01-01", false), ("", false)])
    func dates(_ s: String, _ ok: Bool) {
        #expect(ResourceValidator.isDate(s) == ok)
    }
}
