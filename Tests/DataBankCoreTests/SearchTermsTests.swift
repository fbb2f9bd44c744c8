import Testing
@testable import DataBankCore

@Suite("SearchTerms")
struct SearchTermsTests {
    /// A run of Han characters is indexed as its overlapping bigrams, in reading order.
    @Test func hanRunBecomesBigrams() {
        #expect(SearchTerms.terms(in: "企业登记信息表") == ["企业", "业登", "登记", "记信", "信息", "息表"])
    }

    /// Any Chinese query of two or more characters inside a title finds it: the query's terms are a subset of the title's.
    @Test(arguments: ["企业登记", "登记信息", "信息表", "企业登记信息表", "业登"])
    func queryTermsAreSubsetOfDocument(_ query: String) {
        let document = Set(SearchTerms.terms(in: "企业登记信息表"))
        let terms = SearchTerms.terms(in: query)
        #expect(!terms.isEmpty)
        #expect(Set(terms).isSubset(of: document))
    }

    /// A query that is not in the title has at least one term missing from it, so it does not match.
    @Test(arguments: ["企业信息", "社保登记", "登记表"])
    func nonMatchingQueryIsNotSubset(_ query: String) {
        let document = Set(SearchTerms.terms(in: "企业登记信息表"))
        #expect(!Set(SearchTerms.terms(in: query)).isSubset(of: document))
    }

    /// A two-character query is exactly one term.
    @Test func twoCharacters() {
        #expect(SearchTerms.terms(in: "社保") == ["社保"])
    }

    /// Letters and digits become lower-cased words; Han runs beside them still become bigrams.
    @Test func mixedScripts() {
        #expect(SearchTerms.terms(in: "DataBank数据银行 v2") == ["databank", "数据", "据银", "银行", "v2"])
        #expect(SearchTerms.terms(in: "2024年度GDP统计") == ["2024", "年度", "gdp", "统计"])
    }

    /// Chinese and ASCII punctuation split runs, so no bigram spans a comma, full stop, 顿号 or bracket.
    @Test(arguments: [
        ("企业，登记。信息、公开（试行）", ["企业", "登记", "信息", "公开", "试行"]),
        ("社保【缴费】“记录”", ["社保", "缴费", "记录"]),
        ("e-mail, API/v1.0", ["e", "mail", "api", "v1", "0"]),
        ("credit_code", ["credit", "code"]),
        ("  \t\n", []),
        ("", []),
    ])
    func punctuationSplitsRuns(_ text: String, _ expected: [String]) {
        #expect(SearchTerms.terms(in: text) == expected)
    }

    /// A lone Han character (a one-character run) is kept as a unigram.
    @Test func loneHanIsUnigram() {
        #expect(SearchTerms.terms(in: "车") == ["车"])
        #expect(SearchTerms.terms(in: "车 船，社保") == ["车", "船", "社保"])
        #expect(SearchTerms.terms(in: "A车B") == ["a", "车", "b"])
    }

    /// Han characters beyond the basic block (Extension A and B, compatibility ideographs) are Han too.
    @Test func extendedHan() {
        #expect(SearchTerms.terms(in: "㐀𠀀") == ["㐀𠀀"])
        #expect(SearchTerms.isHan("𠀀".unicodeScalars.first!))
        #expect(SearchTerms.isHan("豈".unicodeScalars.first!))
        #expect(!SearchTerms.isHan("a".unicodeScalars.first!))
        #expect(!SearchTerms.isHan("，".unicodeScalars.first!))
    }

    /// A document is also indexed under each Han character, once, after its bigrams and words.
    @Test func documentTermsAddCharacters() {
        #expect(SearchTerms.documentTerms(in: "公交车 bus") == ["公交", "交车", "bus", "公", "交", "车"])
        #expect(SearchTerms.documentTerms(in: "车车") == ["车车", "车"])
    }

    /// Every query, a single character included, finds a document containing it through the index alone.
    @Test(arguments: ["车", "交", "公交车", "bus", "车 bus", "公交 车"])
    func anyContainedQueryIsSubsetOfDocumentTerms(_ query: String) {
        let document = Set(SearchTerms.documentTerms(in: "公交车 bus"))
        #expect(!SearchTerms.terms(in: query).isEmpty)
        #expect(Set(SearchTerms.terms(in: query)).isSubset(of: document))
    }

    /// Each term appears once, in the order it first occurs; case variants of a word are the same term.
    @Test func duplicatesRemoved() {
        #expect(SearchTerms.terms(in: "信息信息") == ["信息", "息信"])
        #expect(SearchTerms.terms(in: "API api Api") == ["api"])
        #expect(SearchTerms.terms(in: "社保，社保。社保") == ["社保"])
    }

    /// Documents and queries go through the same function, so the same text always gives the same terms.
    @Test func deterministic() {
        let text = "南海区企业信用信息公示（Credit 2024）"
        #expect(SearchTerms.terms(in: text) == SearchTerms.terms(in: text))
        #expect(SearchTerms.terms(in: text) == ["南海", "海区", "区企", "企业", "业信", "信用", "用信", "信息", "息公", "公示", "credit", "2024"])
    }

    /// Long Han queries look up a cover of bigrams; short ones every bigram; both stay within a matching document's terms.
    @Test func queryTermsCoverLongPhrases() {
        #expect(SearchTerms.queryTerms(in: "统一社会信用代码") == ["统一", "社会", "信用", "代码"])
        #expect(SearchTerms.queryTerms(in: "企业登记信息表") == ["企业", "登记", "信息", "息表"])
        #expect(SearchTerms.queryTerms(in: "企业信息") == SearchTerms.terms(in: "企业信息"))
        #expect(Set(SearchTerms.queryTerms(in: "企业登记信息表")).isSubset(of: Set(SearchTerms.documentTerms(in: "佛山市企业登记信息表"))))
    }
}
