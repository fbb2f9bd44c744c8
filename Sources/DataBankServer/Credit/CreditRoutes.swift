import Vapor
import DataBankCore

/// Public disclosure look-ups (信用佛山-style), registered from this one place: the pages
/// (`/credit`, `/credit/{creditCode}`), the anonymous JSON (`/api/v1/open/lookups…`,
/// `/api/v1/open/credit/{creditCode}`) and the services' management (`/api/v1/lookups…`).
enum CreditRoutes {
    static func register(on app: Application) throws {
        let pages = app.grouped(MiddlewareChain(WebMiddleware(), OpenErrorMiddleware()))
        pages.get("credit", use: CreditPages.search).gate(.storeRead)
        pages.get("credit", ":creditCode", use: CreditPages.enterprise).gate(.storeRead)

        let open = app.grouped("api", "v1", "open")
        open.get("lookups", use: LookupAPI.openList).gate(.open)
        open.get("lookups", ":service", use: LookupAPI.lookup).gate(.storeRead)
        open.get("credit", ":creditCode", use: LookupAPI.enterprise).gate(.storeRead)

        let manage = app.grouped("api", "v1", "lookups")
        manage.get(use: LookupAPI.list).gate(.signedIn)
        manage.post(use: LookupAPI.define).gate(.action(.manageLookupServices))
        manage.delete(":service", use: LookupAPI.delete).gate(.action(.manageLookupServices))
    }
}
