/// The open catalog as DCAT-AP 3.0.1: what the server gathered (published resources open to the
/// public, their publishers, dates) turned into one ``RDFGraph``, which the writers render as
/// Turtle, JSON-LD or RDF/XML. No I/O: the server decides which resources appear.
public enum DCATDocument {
    /// The portal the documents describe.
    public struct Site: Sendable {
        /// Absolute, without a trailing slash: `https://data.example.gov.cn`.
        public var baseURL: String
        public var title: String
        public var titleEn: String
        public var publisher: String
        public var publisherEn: String
        public init(baseURL: String, title: String, titleEn: String, publisher: String, publisherEn: String) {
            self.baseURL = baseURL; self.title = title; self.titleEn = titleEn; self.publisher = publisher; self.publisherEn = publisherEn
        }
    }

    /// One published resource open to the public, with what the catalog says about it.
    public struct Entry: Sendable {
        public var snapshot: ResourceSnapshot
        public var publisher: DepartmentInfo
        /// When its published revision was published (`xsd:dateTime` text, UTC), if known.
        public var modified: String?
        public init(snapshot: ResourceSnapshot, publisher: DepartmentInfo, modified: String?) {
            self.snapshot = snapshot; self.publisher = publisher; self.modified = modified
        }
    }

    /// One page of the catalog: its number (from 1), its size, the total, and the address of a page.
    public struct Page: Sendable {
        public var number: Int
        public var size: Int
        public var total: Int
        public init(number: Int, size: Int, total: Int) { self.number = number; self.size = size; self.total = total }
        public var last: Int { max(1, (total + size - 1) / size) }
    }

    // MARK: Documents

    /// One page of the catalog: the catalog, its datasets on this page, and the Hydra view linking
    /// the first, previous, next and last pages (`pageURL(n)` is page n's address in this syntax).
    public static func catalog(site: Site, entries: [Entry], page: Page, pageURL: (Int) -> String) -> RDFGraph {
        var g = RDFGraph()
        let iri = IRIs(site.baseURL)
        let catalog = RDFTerm.iri(iri.catalog)
        g.type(catalog, V.dcat + "Catalog", V.hydra + "Collection")
        g.add(catalog, V.dct + "title", text: site.title, language: "zh")
        g.add(catalog, V.dct + "title", text: site.titleEn, language: "en")
        g.add(catalog, V.dct + "description", text: "\(site.title)：向社会开放的政务数据资源目录（DCAT-AP 3.0.1）。", language: "zh")
        g.add(catalog, V.dct + "description", text: "\(site.titleEn): the government data resources open to the public (DCAT-AP 3.0.1).", language: "en")
        let publisher = RDFTerm.iri(iri.platform)
        g.add(catalog, V.dct + "publisher", publisher)
        g.type(publisher, V.foaf + "Agent", V.foaf + "Organization")
        g.add(publisher, V.foaf + "name", text: site.publisher, language: "zh")
        g.add(publisher, V.foaf + "name", text: site.publisherEn, language: "en")
        let home = RDFTerm.iri(iri.home)
        g.add(catalog, V.foaf + "homepage", home)
        g.type(home, V.foaf + "Document")
        addLanguages(&g, catalog)
        g.add(catalog, V.dcat + "themeTaxonomy", .iri(iri.themes))
        addThemeScheme(&g, iri, Theme.allCases)
        g.add(catalog, V.hydra + "totalItems", .typed(String(page.total), V.xsd + "nonNegativeInteger"))
        for e in entries {
            g.add(catalog, V.dcat + "dataset", .iri(iri.dataset(e.snapshot.code)))
            addDataset(&g, iri, e)
        }
        let view = RDFTerm.iri(pageURL(page.number))
        g.add(catalog, V.hydra + "view", view)
        g.type(view, V.hydra + "PartialCollectionView")
        g.add(view, V.hydra + "first", .iri(pageURL(1)))
        if page.number > 1 { g.add(view, V.hydra + "previous", .iri(pageURL(min(page.number - 1, page.last)))) }
        if page.number < page.last { g.add(view, V.hydra + "next", .iri(pageURL(page.number + 1))) }
        g.add(view, V.hydra + "last", .iri(pageURL(page.last)))
        return g
    }

    /// One dataset on its own: the dataset, its distributions, publisher, contact point and themes.
    public static func dataset(site: Site, entry: Entry) -> RDFGraph {
        var g = RDFGraph()
        let iri = IRIs(site.baseURL)
        addDataset(&g, iri, entry)
        addThemeScheme(&g, iri, entry.snapshot.themes)
        // Named, not described: the catalog's own statements are in its pages.
        g.add(.iri(iri.catalog), V.dcat + "dataset", .iri(iri.dataset(entry.snapshot.code)))
        return g
    }

    // MARK: Parts

    /// The addresses of everything the documents name. Codes are URL-safe by construction
    /// (``ResourceCode``: digits and a hyphen), but are percent-encoded anyway.
    struct IRIs {
        let base: String
        init(_ base: String) { self.base = base }
        var home: String { base + "/" }
        var platform: String { base + "/#publisher" }
        var catalog: String { base + "/catalog" }
        var themes: String { base + "/catalog/themes" }
        func theme(_ t: Theme) -> String { themes + "/" + t.rawValue }
        func dataset(_ code: String) -> String { base + "/dataset/" + pct(code) }
        func distribution(_ code: String, _ kind: String) -> String { dataset(code) + "/distribution/" + kind }
        func page(_ code: String) -> String { base + "/datasets/" + pct(code) }
        func department(_ code: String) -> String { base + "/providers/" + pct(code) }
        func contact(_ code: String) -> String { department(code) + "#contact" }
        func api(_ code: String) -> String { base + "/api/v1/resources/" + pct(code) }
        /// The portal's download of every record in one format (counted as a download).
        func download(_ code: String, _ ext: String) -> String { base + "/api/v1/open/datasets/" + pct(code) + "/data." + ext }
    }

    static func addDataset(_ g: inout RDFGraph, _ iri: IRIs, _ e: Entry) {
        let s = e.snapshot
        let d = RDFTerm.iri(iri.dataset(s.code))
        g.type(d, V.dcat + "Dataset")
        g.add(d, V.dct + "identifier", .text(s.code))
        g.add(d, V.dct + "title", text: s.name, language: "zh")
        g.add(d, V.dct + "title", text: s.nameEn, language: "en")
        let description = s.abstract.contains(where: { !$0.isWhitespace }) ? s.abstract : s.name
        g.add(d, V.dct + "description", text: description, language: "zh")
        for tag in s.tags { g.add(d, V.dcat + "keyword", text: tag, language: "zh") }
        for t in s.themes { g.add(d, V.dcat + "theme", .iri(iri.theme(t))) }
        addLanguages(&g, d)
        if let issued = s.publishDate, isDate(issued) { g.add(d, V.dct + "issued", .typed(issued, V.xsd + "date")) }
        if let modified = e.modified { g.add(d, V.dct + "modified", .typed(modified, V.xsd + "dateTime")) }
        let landing = RDFTerm.iri(iri.page(s.code))
        g.add(d, V.dcat + "landingPage", landing)
        g.type(landing, V.foaf + "Document")

        // Publisher and contact point: the providing department.
        let publisher = RDFTerm.iri(iri.department(e.publisher.code))
        g.add(d, V.dct + "publisher", publisher)
        g.type(publisher, V.foaf + "Agent", V.foaf + "Organization")
        g.add(publisher, V.foaf + "name", text: e.publisher.name, language: "zh")
        g.add(publisher, V.foaf + "name", text: e.publisher.nameEn, language: "en")
        let contact = RDFTerm.iri(iri.contact(e.publisher.code))
        g.add(d, V.dcat + "contactPoint", contact)
        g.type(contact, V.vcard + "Kind", V.vcard + "Organization")
        g.add(contact, V.vcard + "fn", text: e.publisher.name + (s.office.map { " " + $0 } ?? ""), language: "zh")
        let note = s.contact ?? e.publisher.contact
        g.add(contact, V.vcard + "note", text: note, language: "zh")
        if let phone = note.flatMap(telephone) { g.add(contact, V.vcard + "hasTelephone", .iri("tel:" + phone)) }

        // 开放属性 → access rights; 更新周期 → the EU frequency.
        let rights = RDFTerm.iri(accessRights(s.open.type))
        g.add(d, V.dct + "accessRights", rights)
        g.type(rights, V.dct + "RightsStatement")
        g.add(rights, V.rdfs + "label", .text(s.open.type.zh, "zh"))
        g.add(rights, V.rdfs + "label", .text(s.open.type.en, "en"))
        let frequency = RDFTerm.iri(V.euFrequency + frequency(s.updateCycle))
        g.add(d, V.dct + "accrualPeriodicity", frequency)
        g.type(frequency, V.dct + "Frequency")

        // The Table Schema the records follow.
        let schema = RDFTerm.iri(iri.api(s.code) + "/schema.json")
        g.add(d, V.dct + "conformsTo", schema)
        g.type(schema, V.dct + "Standard")
        g.add(schema, V.dct + "title", .text("\(s.name) Table Schema", "zh"))

        addDistributions(&g, iri, s, dataset: d, schema: schema)
    }

    /// 无条件开放: CSV (the records API), the Data Package and the JSON records API, each reached
    /// from the dataset page. 有条件开放: the dataset page only, where access is applied for.
    static func addDistributions(_ g: inout RDFGraph, _ iri: IRIs, _ s: ResourceSnapshot, dataset d: RDFTerm, schema: RDFTerm) {
        let page = RDFTerm.iri(iri.page(s.code))
        func distribution(_ kind: String, title: String, titleEn: String, download: String?, media: String, format: String) -> RDFTerm {
            let x = RDFTerm.iri(iri.distribution(s.code, kind))
            g.add(d, V.dcat + "distribution", x)
            g.type(x, V.dcat + "Distribution")
            g.add(x, V.dct + "title", .text(title, "zh"))
            g.add(x, V.dct + "title", .text(titleEn, "en"))
            g.add(x, V.dcat + "accessURL", page)
            if let download { g.add(x, V.dcat + "downloadURL", .iri(download)) }
            let mediaType = RDFTerm.iri(V.iana + media)
            g.add(x, V.dcat + "mediaType", mediaType)
            g.type(mediaType, V.dct + "MediaType")
            let fileType = RDFTerm.iri(V.euFileType + format)
            g.add(x, V.dct + "format", fileType)
            g.type(fileType, V.dct + "MediaTypeOrExtent")
            g.add(x, V.dct + "rights", .iri(accessRights(s.open.type)))
            return x
        }
        switch s.open.type {
        case .unconditional:
            let csv = distribution(
                "csv", title: "\(s.name)（CSV）", titleEn: "\(s.nameEn ?? s.code) (CSV)",
                download: iri.download(s.code, "csv"), media: "text/csv", format: "CSV")
            g.add(csv, V.dct + "conformsTo", schema)
            let package = distribution(
                "datapackage", title: "\(s.name)（数据包）", titleEn: "\(s.nameEn ?? s.code) (Data Package)",
                download: iri.api(s.code) + "/datapackage.zip", media: "application/zip", format: "ZIP")
            let spec = RDFTerm.iri("https://specs.frictionlessdata.io/data-package/")
            g.add(package, V.dct + "conformsTo", spec)
            g.type(spec, V.dct + "Standard")
            g.add(spec, V.dct + "title", .text("Frictionless Data Package", "en"))
            let json = distribution(
                "json", title: "\(s.name)（接口）", titleEn: "\(s.nameEn ?? s.code) (API)",
                download: nil, media: "application/json", format: "JSON")
            g.add(json, V.dcat + "accessURL", .iri(iri.api(s.code) + "/records"))
            g.add(json, V.dct + "conformsTo", schema)
        case .conditional, .closed:
            let x = distribution(
                "application", title: "\(s.name)（有条件开放，申请获取）", titleEn: "\(s.nameEn ?? s.code) (on application)",
                download: nil, media: "text/html", format: "HTML")
            g.add(x, V.dct + "description", text: s.open.condition, language: "zh")
        }
    }

    static func addThemeScheme(_ g: inout RDFGraph, _ iri: IRIs, _ themes: [Theme]) {
        let scheme = RDFTerm.iri(iri.themes)
        g.type(scheme, V.skos + "ConceptScheme")
        g.add(scheme, V.dct + "title", .text("开放主题", "zh"))
        g.add(scheme, V.dct + "title", .text("Open data themes", "en"))
        for t in themes {
            let c = RDFTerm.iri(iri.theme(t))
            g.type(c, V.skos + "Concept")
            g.add(c, V.skos + "prefLabel", .text(t.zh, "zh"))
            g.add(c, V.skos + "prefLabel", .text(t.en, "en"))
            g.add(c, V.skos + "inScheme", scheme)
            g.add(c, V.skos + "topConceptOf", scheme)
            g.add(c, V.skos + "notation", .text(t.rawValue))
            g.add(c, V.skos + "closeMatch", .iri(V.euDataTheme + euDataTheme(t)))
            g.add(scheme, V.skos + "hasTopConcept", c)
        }
    }

    static func addLanguages(_ g: inout RDFGraph, _ subject: RDFTerm) {
        for code in ["ZHO", "ENG"] {
            let language = RDFTerm.iri(V.euLanguage + code)
            g.add(subject, V.dct + "language", language)
            g.type(language, V.dct + "LinguisticSystem")
        }
    }

    // MARK: Vocabularies

    /// 开放属性 → the EU access-right table: 无条件开放 public, 有条件开放 restricted.
    public static func accessRights(_ type: OpenType) -> String {
        V.euAccessRight + (type == .unconditional ? "PUBLIC" : type == .conditional ? "RESTRICTED" : "NON_PUBLIC")
    }

    /// The EU data theme nearest to each portal theme (`skos:closeMatch`), so EU harvesters can file
    /// the datasets under their own themes.
    public static func euDataTheme(_ theme: Theme) -> String {
        switch theme {
        case .economy, .enterprise, .credit, .finance: "ECON"
        case .employment, .socialSecurity, .housing, .civilAffairs: "SOCI"
        case .health: "HEAL"
        case .education, .culture: "EDUC"
        case .transport: "TRAN"
        case .urbanConstruction: "REGI"
        case .environment: "ENVI"
        case .publicSafety: "JUST"
        case .agriculture: "AGRI"
        case .government: "GOVE"
        }
    }

    /// 更新周期 → the EU frequency table.
    public static func frequency(_ cycle: UpdateCycle) -> String {
        switch cycle {
        case .realtime: "UPDATE_CONT"
        case .daily: "DAILY"
        case .weekly: "WEEKLY"
        case .monthly: "MONTHLY"
        case .quarterly: "QUARTERLY"
        case .semiannual: "ANNUAL_2"
        case .yearly: "ANNUAL"
        case .irregular: "IRREG"
        }
    }

    /// A telephone number in a contact text ("数据资源科，电话 0757-86281234" → "0757-86281234").
    static func telephone(_ text: String) -> String? {
        var best = "", run = ""
        for c in text + " " {
            if c.isASCII && (c.isNumber || c == "-") {
                run.append(c)
            } else {
                if run.filter(\.isNumber).count >= 7 && run.count > best.count { best = run }
                run = ""
            }
        }
        let trimmed = best.trimmingHyphens
        return trimmed.isEmpty ? nil : trimmed
    }

    static func isDate(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0].count == 4 && parts[1].count == 2 && parts[2].count == 2
            && parts.allSatisfy { $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    static func pct(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            let c = Character(Unicode.Scalar(b))
            if b < 0x80 && (c.isLetter || c.isNumber || "-._~".contains(c)) {
                out.append(c)
            } else {
                let hex = String(b, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }

    typealias V = RDFVocabulary
}

extension String {
    fileprivate var trimmingHyphens: String {
        var s = Substring(self)
        while s.first == "-" { s = s.dropFirst() }
        while s.last == "-" { s = s.dropLast() }
        return String(s)
    }
}
