import Testing
@testable import DataBankCore

let enterpriseLayout = RecordLayout(columns: [
    .init(name: "credit_code", itemName: "统一社会信用代码", type: .C, length: 18, required: true, primaryKey: true),
    .init(name: "name", itemName: "企业名称", type: .C, length: 100, required: true),
    .init(name: "capital", itemName: "注册资本", type: .N, length: 12, precision: 2),
    .init(name: "founded", itemName: "成立日期", type: .D),
])

/// Calls `body` with a field accessor over copies of `fields` that live for the call.
func withFields<T>(_ fields: [String], _ body: ((Int) -> UnsafeBufferPointer<UInt8>?) -> T) -> T {
    let buffers = fields.map { f -> UnsafeMutableBufferPointer<UInt8> in
        let b = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, f.utf8.count))
        _ = b.initialize(from: f.utf8)
        return UnsafeMutableBufferPointer(rebasing: b[0..<f.utf8.count])
    }
    defer { buffers.forEach { UnsafeMutableBufferPointer(start: $0.baseAddress, count: max(1, $0.count)).deallocate() } }
    return body { UnsafeBufferPointer(buffers[$0]) }
}

@Suite("Row encoding")
struct RowEncoderTests {
    /// Headers match by column name or by Chinese item name, in any order; output follows the layout.
    @Test func headerByItemNameAnyOrder() throws {
        let encoder = try RowEncoder(header: ["成立日期", "\u{FEFF}统一社会信用代码", "NAME", "注册资本"], layout: enterpriseLayout)
        let fields = ["2020/1/2", "91440600MA4UJ8XX1X", "佛山某公司", "100.50"]
        var out: [UInt8] = []
        let key = withFields(fields) { encoder.encode(row: 2, fieldCount: 4, into: &out, field: $0) }
        #expect(try key.get() == "\"91440600MA4UJ8XX1X\"")
        #expect(String(decoding: out, as: UTF8.self)
                == #"{"credit_code":"91440600MA4UJ8XX1X","name":"佛山某公司","capital":100.5,"founded":"2020-01-02"}"#)
    }

    /// Unknown, missing and duplicate columns are all named before anything is read.
    @Test func badHeaderNamesColumns() {
        #expect(throws: HeaderProblem(unknown: ["电话"], missing: ["capital", "founded"], duplicate: ["企业名称"])) {
            try RowEncoder(header: ["credit_code", "name", "企业名称", "电话"], layout: enterpriseLayout)
        }
    }

    /// Every bad value of a row is reported with its column and raw value, and nothing is written.
    @Test func rowProblemsLeaveOutputUntouched() throws {
        let encoder = try RowEncoder(header: ["credit_code", "name", "capital", "founded"], layout: enterpriseLayout)
        let fields = ["", "x", "12.345", "2023-02-30"]
        var out: [UInt8] = Array("[".utf8)
        let result = withFields(fields) { encoder.encode(row: 7, fieldCount: 4, into: &out, field: $0) }
        guard case .failure(let failure) = result else { Issue.record("accepted"); return }
        #expect(failure.problems.map(\.column) == ["credit_code", "capital", "founded"])
        #expect(failure.problems.map(\.problem.code) == ["required", "precision", "type_error"])
        #expect(failure.problems.allSatisfy { $0.row == 7 })
        #expect(out == Array("[".utf8))
    }

    /// A row with the wrong number of fields is refused as a whole.
    @Test func wrongFieldCount() throws {
        let encoder = try RowEncoder(header: ["credit_code", "name", "capital", "founded"], layout: enterpriseLayout)
        var out: [UInt8] = []
        guard case .failure(let f) = encoder.encode(row: 3, fieldCount: 3, into: &out, field: { _ in nil }) else { Issue.record(); return }
        #expect(f.problems.first?.problem.code == "wrong_field_count")
    }

    /// Adding items and widening text migrate a table; removing, narrowing or retyping is refused with reasons.
    @Test func layoutMigration() throws {
        var wider = enterpriseLayout
        wider.columns[1].length = 200
        wider.columns.append(.init(name: "phone", itemName: "电话", type: .C, length: 20, queryField: true))
        let migration = try enterpriseLayout.migration(to: wider).get()
        #expect(migration.added.map(\.name) == ["phone"])
        #expect(migration.widened.map(\.name) == ["name"])
        var broken = enterpriseLayout
        broken.columns.removeLast()
        broken.columns[2].type = .I
        guard case .failure(let refusal) = enterpriseLayout.migration(to: broken) else { Issue.record(); return }
        #expect(refusal.reasons.count == 2)  // the type change and the removed item
    }
}
