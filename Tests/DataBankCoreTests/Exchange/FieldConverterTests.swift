import Testing
@testable import DataBankCore

func convert(_ raw: String?, _ type: DataType, length: Int? = nil, precision: Int? = nil, required: Bool = false) -> Result<String, FieldProblem> {
    var out: [UInt8] = []
    let column = RecordLayout.Column(name: "c", itemName: "列", type: type, length: length, precision: precision, required: required)
    if let problem = FieldConverter.appendJSON(raw, as: column, to: &out) { return .failure(problem) }
    return .success(String(decoding: out, as: UTF8.self))
}

@Suite("Field conversion")
struct FieldConverterTests {
    /// Each type's accepted spellings become one canonical JSON value.
    @Test(arguments: [
        ("42", DataType.I, "42"), (" -007 ", .I, "-7"), ("-0", .I, "0"),
        ("12.50", .N, "12.5"), ("0012.0", .N, "12"), (".5", .N, "0.5"), ("-0.00", .N, "0"), ("1234.56", .Y, "1234.56"),
        ("2024-03-05", .D, "\"2024-03-05\""), ("2024/3/5", .D, "\"2024-03-05\""), ("20240305", .D, "\"2024-03-05\""),
        ("2024年3月5日", .D, "\"2024-03-05\""), ("2024-03-05 00:00:00", .D, "\"2024-03-05\""),
        ("2024-03-05 08:30", .T, "\"2024-03-05T08:30:00\""), ("2024-03-05T08:30:15.250", .T, "\"2024-03-05T08:30:15\""),
        ("2024-03-05T00:30:00Z", .T, "\"2024-03-05T08:30:00\""), ("2024-03-05T20:00:00-05:00", .T, "\"2024-03-06T09:00:00\""),
        ("2024-03-05 00:30:00.25+00", .T, "\"2024-03-05T08:30:00\""), ("2024-03-05 08:30:00+08", .T, "\"2024-03-05T08:30:00\""),
        ("t", .L, "true"), ("f", .L, "false"),
        ("是", .L, "true"), ("FALSE", .L, "false"), ("1", .L, "true"),
        ("1.5e3", .F, "1500"), ("0.25", .F, "0.25"),
        ("企业\"名\"\n", .C, "\"企业\\\"名\\\"\\n\"")
    ])
    func accepted(_ raw: String, _ type: DataType, _ json: String) {
        #expect(convert(raw, type, length: type == .C ? 10 : nil) == .success(json))
    }

    /// Values that do not fit their type are refused with a stable code.
    @Test(arguments: [
        ("12a", DataType.I, "type_error"), ("1.5", .I, "type_error"), ("1e3", .N, "type_error"), ("2023-02-29", .D, "type_error"),
        ("2024-13-01", .D, "type_error"), ("2024-03-05 08:30:00", .D, "type_error"), ("25:00", .T, "type_error"),
        ("maybe", .L, "type_error"), ("nan", .F, "type_error"), ("1234567890123456789", .I, "too_long")
    ])
    func refused(_ raw: String, _ type: DataType, _ code: String) {
        guard case .failure(let problem) = convert(raw, type) else { Issue.record("\(raw) accepted as \(type)"); return }
        #expect(problem.code == code)
    }

    /// Text length counts characters, not bytes: 10 Chinese characters fit a length of 10.
    @Test func lengthCountsCharacters() {
        #expect(convert("一二三四五六七八九十", .C, length: 10) == .success("\"一二三四五六七八九十\""))
        guard case .failure(let p) = convert("一二三四五六七八九十一", .C, length: 10) else { Issue.record("too long accepted"); return }
        #expect(p.code == "too_long")
    }

    /// Decimals respect precision (places) and length (total digits).
    @Test func decimalLimits() {
        #expect(convert("123456.78", .N, length: 8, precision: 2) == .success("123456.78"))
        guard case .failure(let places) = convert("1.234", .N, length: 8, precision: 2) else { Issue.record(); return }
        #expect(places.code == "precision")
        guard case .failure(let digits) = convert("1234567.8", .N, length: 8, precision: 2) else { Issue.record(); return }
        #expect(digits.code == "too_long")
    }

    /// Empty and absent values are null, unless the column is required.
    @Test func emptyIsNullUnlessRequired() {
        #expect(convert("", .C) == .success("null"))
        #expect(convert("  ", .I) == .success("null"))
        #expect(convert(nil, .D) == .success("null"))
        guard case .failure(let p) = convert("", .C, required: true) else { Issue.record(); return }
        #expect(p.code == "required")
    }
}
