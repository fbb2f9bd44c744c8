import Vapor
import DataBankCore

/// The open catalog as DCAT-AP 3.0.1, in three syntaxes of one graph:
/// - `GET /catalog.ttl|jsonld|rdf?page=N&per_page=M`: one page of the catalog, with Hydra links;
/// - `GET /dataset/{code}.ttl|jsonld|rdf`: one dataset.
/// Open to everyone: only what the open portal shows is in it (``OpenCatalog``).
enum DCATRoutes {
    static func register(on app: Application) {
        let open = app.gated(.open)
        for syntax in RDFSyntax.allCases {
            open.get(.constant("catalog.\(syntax.rawValue)")) { req in try await catalog(req, syntax) }
        }
        open.get("dataset", ":file") { req in try await dataset(req) }
    }

    static let defaultPageSize = 100
    static let maxPageSize = 500

    static func catalog(_ req: Request, _ syntax: RDFSyntax) async throws -> Response {
        let number = try positive(req, "page", default: 1, max: 1_000_000)
        let size = try positive(req, "per_page", default: defaultPageSize, max: maxPageSize)
        let site = try PublicSite.current(req)
        let (entries, total) = try await DCATCatalog.page(number: number, size: size, on: req.db)
        let page = DCATDocument.Page(number: number, size: size, total: total)
        let graph = DCATDocument.catalog(site: site.dcat, entries: entries, page: page) { n in
            site.baseURL + "/catalog.\(syntax.rawValue)?page=\(n)" + (size == defaultPageSize ? "" : "&per_page=\(size)")
        }
        return syntax.response(graph)
    }

    static func dataset(_ req: Request) async throws -> Response {
        let file = try req.parameters.require("file")
        guard let dot = file.lastIndex(of: "."), let syntax = RDFSyntax(rawValue: String(file[file.index(after: dot)...])) else {
            throw AppError.notFound("Dataset \(file)")
        }
        let code = String(file[..<dot])
        let entry = try await DCATCatalog.entry(code: code, on: req.db)
        return syntax.response(DCATDocument.dataset(site: try PublicSite.current(req).dcat, entry: entry))
    }

    /// A positive whole number from the query string, or its default; anything else is a 400 naming it.
    static func positive(_ req: Request, _ name: String, default fallback: Int, max: Int) throws -> Int {
        guard let text = req.query[String.self, at: name] else { return fallback }
        guard let n = Int(text), n >= 1, n <= max else {
            throw AppError.field(
                .badRequest, "invalid_\(name)", name, zh: "\(name) 须为 1 至 \(max) 的整数", en: "\(name) must be a whole number from 1 to \(max)")
        }
        return n
    }
}

/// The three RDF syntaxes DataBank writes, by file extension.
enum RDFSyntax: String, CaseIterable {
    case ttl, jsonld, rdf

    var mediaType: String {
        switch self {
        case .ttl: "text/turtle; charset=utf-8"
        case .jsonld: "application/ld+json; charset=utf-8"
        case .rdf: "application/rdf+xml; charset=utf-8"
        }
    }

    func render(_ graph: RDFGraph) -> String {
        switch self {
        case .ttl: TurtleWriter.write(graph)
        case .jsonld: JSONLDWriter.write(graph)
        case .rdf: RDFXMLWriter.write(graph)
        }
    }

    func response(_ graph: RDFGraph) -> Response {
        let res = Response(status: .ok, body: .init(string: render(graph)))
        res.headers.replaceOrAdd(name: .contentType, value: mediaType)
        return res
    }
}
