import Testing
@testable import DataBankCore

@Suite("A peer's change feed page, read without building values")
struct ChangeFeedPageTests {
    /// Each change's operation, and its key and data exactly as the page holds them (escapes, nested values,
    /// Chinese text untouched); `null` data is none; the page's own fields read, unknown ones skipped.
    @Test func changesAreFoundInThePagesBytes() throws {
        let text = #"""
            {"node":"chancheng","resource":"109001-00001","items":[
             {"seq":1,"op":"insert","key":["K1"],"data":{"a":"企业 \"一\"","b":[1,{"c":"]}"}],"n":1.5},"at":1},
             {"seq":2,"op":"delete","key":["K2", 3],"data":null,"at":2},
             {"seq":3,"op":"reset","key":null,"data":null,"at":3,"later":{"x":[]}}],
             "cursor":"chancheng:109001-00001:3","more":true,"lastSeq":9,"extra":"\u00e9"}
            """#
        let page = try ChangeFeedPage(Array(text.utf8))
        #expect(page.node == "chancheng" && page.resource == "109001-00001" && page.cursor == "chancheng:109001-00001:3" && page.more)
        #expect(page.changes.map(\.op) == [.upsert, .delete, .reset])
        let slice = { (r: Range<Int>?) in r.map { String(decoding: page.bytes[$0], as: UTF8.self) } }
        #expect(slice(page.changes[0].data) == #"{"a":"企业 \"一\"","b":[1,{"c":"]}"}],"n":1.5}"#)
        #expect(slice(page.changes[0].key) == #"["K1"]"#)
        #expect(slice(page.changes[1].key) == #"["K2", 3]"# && page.changes[1].data == nil)
        #expect(page.changes[2].data == nil)
    }

    /// An empty page, and the end of the feed.
    @Test func anEmptyPageHasNoChanges() throws {
        let page = try ChangeFeedPage(Array(#"{"node":"a","resource":"r","items":[],"cursor":"a:r:0","more":false,"lastSeq":0}"#.utf8))
        #expect(page.changes.isEmpty && !page.more && page.cursor == "a:r:0")
    }

    /// What is not a feed page is refused, not read half-way.
    @Test func aMalformedPageIsRefused() {
        for text in [#"{"items":[{"op":"insert","data":{"a":1}"#, #"["items"]"#, #"{"items":[{"op":"insert"} {"op":"x"}]}"#, ""] {
            #expect(throws: JSONStreamError.self, "\(text)") { try ChangeFeedPage(Array(text.utf8)) }
        }
    }
}
