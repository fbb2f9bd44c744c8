/// The namespaces DataBank's DCAT-AP documents use, and the prefixes every serialisation declares.
public enum RDFVocabulary {
    public static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    public static let rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    public static let xsd = "http://www.w3.org/2001/XMLSchema#"
    public static let dcat = "http://www.w3.org/ns/dcat#"
    public static let dct = "http://purl.org/dc/terms/"
    public static let foaf = "http://xmlns.com/foaf/0.1/"
    public static let vcard = "http://www.w3.org/2006/vcard/ns#"
    public static let skos = "http://www.w3.org/2004/02/skos/core#"
    public static let hydra = "http://www.w3.org/ns/hydra/core#"
    public static let dcatap = "http://data.europa.eu/r5r/"
    /// EU Publications Office authority tables (frequency, access right, file type).
    public static let euFrequency = "http://publications.europa.eu/resource/authority/frequency/"
    public static let euAccessRight = "http://publications.europa.eu/resource/authority/access-right/"
    public static let euFileType = "http://publications.europa.eu/resource/authority/file-type/"
    public static let euLanguage = "http://publications.europa.eu/resource/authority/language/"
    public static let euDataTheme = "http://publications.europa.eu/resource/authority/data-theme/"
    /// IANA media types.
    public static let iana = "http://www.iana.org/assignments/media-types/"

    public static let standardPrefixes: [RDFGraph.Prefix] =
        ([
            ("rdf", rdf), ("rdfs", rdfs), ("xsd", xsd), ("dcat", dcat), ("dct", dct), ("foaf", foaf), ("vcard", vcard),
            ("skos", skos), ("hydra", hydra), ("dcatap", dcatap)
        ] as [(String, String)]).map { RDFGraph.Prefix(name: $0.0, namespace: $0.1) }
}
