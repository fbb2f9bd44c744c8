import Testing
@testable import DataBankCore

/// The pure parts of CKAN compatibility: `fq` parsing, names, sorts, list records.
@Suite("CKAN translation")
struct CKANTranslationTests {
    typealias Clause = CKANFilterQuery.Clause

    @Test func fqClausesSignsAndQuotes() throws {
        let q = try CKANFilterQuery.parse(#"organization:440600001 AND +groups:"social-security" -tags:年报 NOT res_format:CSV *:*"#)
        #expect(
            q.clauses == [
                Clause(field: .organization, values: ["440600001"], any: false, negated: false),
                Clause(field: .groups, values: ["social-security"], any: false, negated: false),
                Clause(field: .tags, values: ["年报"], any: false, negated: true),
                Clause(field: .res_format, values: ["CSV"], any: false, negated: true)
            ])
    }

    @Test func fqAlternativesAndAny() throws {
        let q = try CKANFilterQuery.parse(#"tags:(交通 OR "公交 线路") license_id:*"#)
        #expect(
            q.clauses == [
                Clause(field: .tags, values: ["交通", "公交 线路"], any: false, negated: false),
                Clause(field: .license_id, values: [], any: true, negated: false)
            ])
        #expect(try CKANFilterQuery.parse("").clauses.isEmpty)
    }

    @Test func fqRefusesWhatItCannotTranslate() {
        for fq in ["a:1 OR b:2", "colour:red", #"tags:"open"#, "(tags:a)", "name:[a TO b]", "tags:ab*", "organization:", "organization", "tags:(a b)", "NOT"] {
            #expect(throws: CKANFilterQuery.Problem.self, "\(fq)") { try CKANFilterQuery.parse(fq) }
        }
    }

    @Test func groupNamesRoundTrip() {
        for theme in Theme.allCases {
            let name = CKANNames.group(theme)
            #expect(name == name.lowercased())
            #expect(CKANNames.theme(group: name) == theme)
        }
        #expect(CKANNames.group(.socialSecurity) == "social-security")
    }

    @Test func packageSorts() throws {
        #expect(try CKANPackageSort.catalogSort("score desc, metadata_modified desc", hasQuery: true).get() == "relevance")
        #expect(try CKANPackageSort.catalogSort(nil, hasQuery: false).get() == "code")
        #expect(try CKANPackageSort.catalogSort("metadata_modified desc", hasQuery: false).get() == "-updated")
        #expect(try CKANPackageSort.catalogSort("title_string asc", hasQuery: false).get() == "name")
        #expect((try? CKANPackageSort.catalogSort("views_recent desc", hasQuery: false).get()) == nil)
    }

    @Test func numbersAreValidatedAndClamped() throws {
        #expect(try CKANNumbers.clamped(.number(5000), field: "rows", maximum: 1000) == 1000)
        #expect(try CKANNumbers.natural(.string("12"), field: "rows") == 12)
        #expect(throws: CKANInvalid("rows", "Invalid integer")) { try CKANNumbers.natural(.string("x"), field: "rows") }
        #expect(throws: CKANInvalid("start", "Must be a natural number")) { try CKANNumbers.natural(.number(-1), field: "start") }
    }

    @Test func recordListsKeepValuesByteForByte() {
        let object = #"{"a": "x, \"y\"}", "b":12345678901234567.89 ,"c":null,"d":true}"#
        #expect(
            CKANRecordLists.array(fromObject: object, order: ["d", "b", "a", "c", "missing"])
                == #"[true,12345678901234567.89,"x, \"y\"}",null,null]"#)
    }
}
