import Vapor

/// The open, machine-readable descriptions of the platform, registered from one place:
/// the DCAT-AP catalog (`/catalog.*`, `/dataset/{code}.*`) and the API description (`/openapi.json`).
enum OpenRoutes {
    static func register(on app: Application) {
        DCATRoutes.register(on: app)
        app.gated(.open).get("openapi.json") { req in OpenAPIDocument.routes(req) }
    }

    /// Paths machines read (their errors are JSON, not pages): health, the catalog documents, the
    /// API description and the metrics.
    static func isMachinePath(_ path: String) -> Bool {
        ["/healthz", "/openapi.json", "/metrics", "/catalog.ttl", "/catalog.jsonld", "/catalog.rdf"].contains(path)
            || path.hasPrefix("/dataset/")
    }
}
