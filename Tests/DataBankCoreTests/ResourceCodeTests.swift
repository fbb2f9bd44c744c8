import Testing
@testable import DataBankCore

@Suite("ResourceCode")
struct ResourceCodeTests {
    /// A well-formed code splits into its classification and sequence parts, leading zeros kept.
    @Test(arguments: [
        ("101001-00023", "101001", "00023"),
        ("1-1", "1", "1"),
        ("301001001001-999999", "301001001001", "999999"),
        ("20100101-000001", "20100101", "000001"),
    ])
    func parsesWellFormed(_ code: String, _ cls: String, _ seq: String) {
        let parsed = ResourceCode.parse(code)
        #expect(parsed?.classification == cls)
        #expect(parsed?.sequence == seq)
    }

    /// Anything but ASCII digits, one hyphen, 1–12 classification digits and 1–6 sequence digits is rejected.
    @Test(arguments: [
        "",                        // empty
        "101001",                  // no sequence
        "101001-",                 // empty sequence
        "-00023",                  // empty classification
        "101001--00023",           // two hyphens
        "101001-00023-1",          // three parts
        "A01001-00023",            // letter in classification
        "101001-0002x",            // letter in sequence
        "1010010010010-1",         // 13 classification digits
        "101001-1234567",          // 7 sequence digits
        " 101001-00023",           // leading space
        "101001-00023 ",           // trailing space
        "101001—00023",            // em dash, not hyphen
        "１０１００１-00023",       // full-width digits
        "١٠١-1",                   // Arabic-Indic digits
        "101001_00023",            // underscore
    ])
    func rejectsMalformed(_ code: String) {
        #expect(ResourceCode.parse(code) == nil)
    }

    /// The first classification digit names the catalog kind: 1 基础, 2 主题, 3 部门.
    @Test(arguments: [
        ("101001", CatalogKind?.some(.base)),
        ("2", .thematic),
        ("30100101", .departmental),
        ("401001", nil),
        ("001001", nil),
        ("", nil),
    ])
    func catalogKind(_ cls: String, _ kind: CatalogKind?) {
        #expect(ResourceCode.catalogKind(ofClassification: cls) == kind)
    }

    /// Levels are 类 (1 digit), 项 (3), 目 (6) and, when longer, the full 细目 code — for facets and breadcrumbs.
    @Test(arguments: [
        ("101001", ["1", "101", "101001"]),
        ("10100101", ["1", "101", "101001", "10100101"]),
        ("1010", ["1", "101"]),
        ("10", ["1"]),
        ("1", ["1"]),
        ("", []),
    ])
    func levels(_ cls: String, _ expected: [String]) {
        #expect(ResourceCode.levels(ofClassification: cls) == expected)
    }

    /// Each level is a prefix of the next, so a breadcrumb narrows step by step.
    @Test func levelsArePrefixes() {
        let levels = ResourceCode.levels(ofClassification: "301002003")
        for (a, b) in zip(levels, levels.dropFirst()) { #expect(b.hasPrefix(a)) }
        #expect(levels.last == "301002003")
    }
}
