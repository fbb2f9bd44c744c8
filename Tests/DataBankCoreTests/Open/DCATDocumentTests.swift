import Testing
@testable import DataBankCore

/// A published resource as a DCAT-AP 3 dataset: catalog vocabularies mapped to the EU tables,
/// distributions by open type, and the catalog's Hydra paging links.
@Suite("DCAT document")
struct DCATDocumentTests {
    static let site = DCATDocument.Site(baseURL: "https://data.example.cn", title: "目录", titleEn: "Catalog", publisher: "平台", publisherEn: "Platform")

    static func entry(_ code: String = "101001-00001", open: OpenType = .unconditional, cycle: UpdateCycle = .monthly) -> DCATDocument.Entry {
        let snapshot = ResourceSnapshot(
            code: code, name: "企业\"登记\"信息", nameEn: "Enterprise registrations", departmentCode: "001", classification: "101001",
            catalogKind: .base, abstract: "第一行\n第二行", format: .table, items: [],
            sharing: .init(type: .unconditional, method: .api), open: .init(type: open, condition: open == .conditional ? "实名申请" : nil),
            updateCycle: cycle, publishDate: "2026-03-01", themes: [.enterprise, .credit], tags: ["企业", "登记"])
        let department = DepartmentInfo(code: "001", name: "市场监管局", nameEn: "Market Regulation", level: .city, parentCode: nil, contact: "登记科，电话 0757-86281234")
        return .init(snapshot: snapshot, publisher: department, modified: "2026-03-02T08:00:00Z")
    }

    func objects(_ g: RDFGraph, _ subject: String, _ predicate: String) -> [RDFTerm] {
        g.triples.filter { $0.subject == .iri(subject) && $0.predicate == predicate }.map(\.object)
    }

    @Test func updateCycleIsTheEUFrequencyAndOpenTypeTheAccessRight() {
        let g = DCATDocument.dataset(site: Self.site, entry: Self.entry(cycle: .semiannual))
        let d = "https://data.example.cn/dataset/101001-00001"
        #expect(objects(g, d, RDFVocabulary.dct + "accrualPeriodicity") == [.iri(RDFVocabulary.euFrequency + "ANNUAL_2")])
        #expect(objects(g, d, RDFVocabulary.dct + "accessRights") == [.iri(RDFVocabulary.euAccessRight + "PUBLIC")])
        #expect(DCATDocument.frequency(.realtime) == "UPDATE_CONT" && DCATDocument.frequency(.irregular) == "IRREG")
        #expect(DCATDocument.accessRights(.conditional).hasSuffix("/RESTRICTED"))
    }

    @Test func openDatasetHasDownloadsAndTheTableSchemaAsConformsTo() {
        let g = DCATDocument.dataset(site: Self.site, entry: Self.entry())
        let d = "https://data.example.cn/dataset/101001-00001"
        #expect(objects(g, d, RDFVocabulary.dct + "conformsTo") == [.iri("https://data.example.cn/api/v1/resources/101001-00001/schema.json")])
        let csv = d + "/distribution/csv"
        #expect(
            objects(g, csv, RDFVocabulary.dcat + "downloadURL") == [.iri("https://data.example.cn/api/v1/open/datasets/101001-00001/data.csv")])
        #expect(objects(g, csv, RDFVocabulary.dcat + "accessURL") == [.iri("https://data.example.cn/datasets/101001-00001")])
        #expect(objects(g, csv, RDFVocabulary.dcat + "mediaType") == [.iri(RDFVocabulary.iana + "text/csv")])
        #expect(objects(g, d, RDFVocabulary.dcat + "distribution").count == 3)
    }

    @Test func conditionallyOpenDatasetHasNoDownload() {
        let g = DCATDocument.dataset(site: Self.site, entry: Self.entry(open: .conditional))
        #expect(!g.triples.contains { $0.predicate == RDFVocabulary.dcat + "downloadURL" })
        let d = "https://data.example.cn/dataset/101001-00001"
        #expect(objects(g, d, RDFVocabulary.dcat + "distribution").count == 1)
        #expect(objects(g, d, RDFVocabulary.dct + "accessRights") == [.iri(RDFVocabulary.euAccessRight + "RESTRICTED")])
    }

    @Test func themesAreConceptsOfOneSchemeWithChineseAndEnglishLabels() {
        let g = DCATDocument.dataset(site: Self.site, entry: Self.entry())
        let concept = "https://data.example.cn/catalog/themes/enterprise"
        #expect(objects(g, concept, RDFVocabulary.skos + "prefLabel") == [.literal("企业服务", language: "zh"), .literal("Enterprise services", language: "en")])
        #expect(objects(g, concept, RDFVocabulary.skos + "inScheme") == [.iri("https://data.example.cn/catalog/themes")])
        #expect(objects(g, concept, RDFVocabulary.skos + "closeMatch") == [.iri(RDFVocabulary.euDataTheme + "ECON")])
    }

    @Test func publisherAndContactPointComeFromTheDepartment() {
        let g = DCATDocument.dataset(site: Self.site, entry: Self.entry())
        #expect(objects(g, "https://data.example.cn/providers/001", RDFVocabulary.foaf + "name").contains(.literal("市场监管局", language: "zh")))
        #expect(objects(g, "https://data.example.cn/providers/001#contact", RDFVocabulary.vcard + "hasTelephone") == [.iri("tel:0757-86281234")])
    }

    func hydra(_ number: Int, total: Int) -> [String: String] {
        let g = DCATDocument.catalog(site: Self.site, entries: [], page: .init(number: number, size: 10, total: total)) { "p\($0)" }
        var links: [String: String] = [:]
        for t in g.triples where t.subject == .iri("p\(number)") && t.predicate.hasPrefix(RDFVocabulary.hydra) {
            if case .iri(let v) = t.object { links[String(t.predicate.dropFirst(RDFVocabulary.hydra.count))] = v }
        }
        return links
    }

    @Test func hydraLinksFirstPreviousNextAndLast() {
        #expect(hydra(1, total: 25) == ["first": "p1", "next": "p2", "last": "p3"])
        #expect(hydra(2, total: 25) == ["first": "p1", "previous": "p1", "next": "p3", "last": "p3"])
        #expect(hydra(3, total: 25) == ["first": "p1", "previous": "p2", "last": "p3"])
        #expect(hydra(1, total: 0) == ["first": "p1", "last": "p1"])
    }
}
