import Foundation
import Testing
@testable import DataBankCore

@Suite("Table profiler")
struct TableProfilerTests {
    let layout = RecordLayout(columns: [
        .init(name: "id", itemName: "编号", type: .C, length: 18, required: true, primaryKey: true),
        .init(name: "amount", itemName: "金额", type: .N, length: 12, precision: 2),
        .init(name: "note", itemName: "备注", type: .C),
    ])

    func profiler() -> TableProfiler { TableProfiler(profile: ResourceProfile(resourceCode: "r", layout: layout), layout: layout) }

    func withBytes<T>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        var text = text
        return text.withUTF8 { body($0) }
    }

    /// Rows as JSON array lines feed the sketches, escapes and nested arrays included.
    @Test func arrayLinesFeedTheSketches() {
        var t = profiler()
        let lines = "[\"A1\",12.30,\"x\\\"y\"]\n[[\"A2\"],[null,\"\\u5f20\"]]\n"
        #expect(withBytes(lines) { t.addSketches(arrayLines: $0) } == 2)
        let s = t.profile.summary.columns
        #expect(s[0].topValues.map(\.value) == ["A1", "A2"])
        #expect(s[1].topValues.map(\.value) == ["12.3"])
        #expect(s[2].topValues.compactMap(\.value).sorted() == ["x\"y", "张"])
    }

    /// The cursor of the next chunk is the key of the last line.
    @Test func lastKeyIsTheCursor() {
        let t = profiler()
        #expect(withBytes("[\"A1\",1,null]\n[\"A9\",2,\"z\"]\n") { t.lastKey(arrayLines: $0) } == ["A9"])
    }

    /// Inserts add values, updates add and are counted, deletes are counted, a reset starts again.
    @Test func changeLogOperations() {
        var t = profiler()
        let log = """
            insert\t{"id":"A1","amount":1.5,"note":"a"}
            insert\t{"id":"A2","amount":null,"note":"b"}
            update\t{"id":"A1","amount":2,"note":"c"}
            delete\tnull
            """
        withBytes(log) { t.addChanges(lines: $0) }
        #expect(t.profile.updatesSinceFullScan == 1 && t.profile.deletesSinceFullScan == 1)
        #expect(!t.profile.isExact)
        #expect(t.profile.columns[1].summary.count == 2 && t.profile.columns[1].summary.nulls == 1)
        withBytes("reset\tnull\ninsert\t{\"id\":\"B1\",\"amount\":3,\"note\":null}\n") { t.addChanges(lines: $0) }
        #expect(t.profile.isExact)
        #expect(t.profile.columns[0].summary.topValues == [ValueCount(value: "B1", count: 1)])
        #expect(t.profile.columns[2].summary.nulls == 1)
    }

    /// Merging a change-log profile into a stored one adds its values and its updates and deletes.
    @Test func mergingDeltaIntoStoredProfile() {
        var base = profiler()
        withBytes("insert\t{\"id\":\"A1\",\"amount\":1,\"note\":\"a\"}\n") { base.addChanges(lines: $0) }
        var delta = profiler()
        withBytes("insert\t{\"id\":\"A2\",\"amount\":5,\"note\":\"b\"}\ndelete\tnull\n") { delta.addChanges(lines: $0) }
        delta.finish(rowCount: 1, coveredSeq: 3, at: Date())
        let merged = base.profile.merging(delta.profile)
        #expect(merged.rowCount == 1 && merged.coveredSeq == 3)
        #expect(merged.columns[1].summary.min == "1" && merged.columns[1].summary.max == "5")
        #expect(merged.deletesSinceFullScan == 1)
    }

    /// A change-log profile that begins with a reset replaces the stored profile instead of adding to it.
    @Test func resetDeltaReplacesStoredProfile() {
        var base = profiler()
        withBytes("insert\t{\"id\":\"A1\",\"amount\":1,\"note\":\"a\"}\n") { base.addChanges(lines: $0) }
        var delta = profiler()
        withBytes("reset\tnull\ninsert\t{\"id\":\"B1\",\"amount\":9,\"note\":\"b\"}\n") { delta.addChanges(lines: $0) }
        let merged = base.profile.merging(delta.profile)
        #expect(merged.columns[0].summary.topValues == [ValueCount(value: "B1", count: 1)])
        #expect(!merged.startsAfresh)
    }
}
