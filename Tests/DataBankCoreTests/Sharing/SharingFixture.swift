@testable import DataBankCore

/// Shared fixtures of the sharing tests: a small person-register layout and dates.
enum SharingFixture {
    static let layout = RecordLayout(columns: [
        .init(name: "id", itemName: "编号", type: .C, length: 20, required: true, primaryKey: true),
        .init(name: "name", itemName: "姓名", type: .C, length: 50),
        .init(name: "id_number", itemName: "身份证号", type: .C, length: 18),
        .init(name: "mobile", itemName: "手机号码", type: .C, length: 11),
        .init(name: "region", itemName: "行政区划", type: .C, length: 12),
        .init(name: "amount", itemName: "金额", type: .N, length: 12, precision: 2),
        .init(name: "born", itemName: "出生日期", type: .D),
        .init(name: "status", itemName: "状态", type: .C, length: 10),
        .init(name: "count", itemName: "套数", type: .I),
    ])

    /// A date from its ISO text; the fixtures are all valid.
    static func day(_ iso: String) -> CivilDate { DateParsing.date(iso)! }

    static let today = day("2024-06-15")

    /// A stand-in for the server's keyed hash.
    static let token: @Sendable (String) -> String = { "tok(\($0))" }
}
