import Vapor

/// The open, machine-readable descriptions of the platform, registered from one place:
/// the DCAT-AP catalog (`/catalog.*`, `/dataset/{code}.*`) and the API description (`/openapi.json`).
enum OpenRoutes {
    static func register(on app: Application) {
        DCATRoutes.register(on: app)
        app.gated(.open).get("openapi.json") { req in OpenAPIDocument.routes(req) }
    }
}
