import Testing
@testable import DataBankCore

@Suite("Audit canonical text")
struct AuditCanonicalTextTests {
    /// A field holding the old separator (U+001F) cannot move a boundary: the two splits differ.
    @Test func separatorInAFieldCannotShiftABoundary() {
        let one = AuditCanonicalText.encode(tag: "t", ["a\u{1F}b", "c"])
        let other = AuditCanonicalText.encode(tag: "t", ["a", "b\u{1F}c"])
        #expect(one != other)
        // The unit-separated text the legacy chain hashed gives both the same.
        #expect(["a\u{1F}b", "c"].joined(separator: "\u{1F}") == ["a", "b\u{1F}c"].joined(separator: "\u{1F}"))
    }

    /// An absent field, an empty one, and a field that looks like an encoded one all differ.
    @Test func absentEmptyAndLookalikeFieldsDiffer() {
        let texts = [
            AuditCanonicalText.encode(tag: "t", [nil, "x"]),
            AuditCanonicalText.encode(tag: "t", ["", "x"]),
            AuditCanonicalText.encode(tag: "t", ["-", "x"]),
            AuditCanonicalText.encode(tag: "t", ["|-|1:x"]),
            AuditCanonicalText.encode(tag: "t", ["0:|1:x"]),
        ]
        #expect(Set(texts).count == texts.count)
    }

    /// The text reads back into exactly its fields, so it is injective.
    @Test func decodesBackToItsFields() {
        let cases: [[String?]] = [[], [nil], [""], ["a\u{1F}b", "c"], ["12:|3:abc", nil, "工商登记", "|-"], ["\u{1F}\u{1F}", "", nil]]
        for fields in cases {
            let decoded = AuditCanonicalText.decode(tag: "t", AuditCanonicalText.encode(tag: "t", fields))
            #expect(decoded == fields)
        }
        #expect(AuditCanonicalText.decode(tag: "t", "t|5:ab") == nil)
    }
}
