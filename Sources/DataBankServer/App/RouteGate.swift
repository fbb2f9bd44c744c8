import Vapor
import DataBankCore

/// What a route asks of its caller, declared where the route is registered. Every route declares
/// one (a test walks them all, and ``RouteGateMiddleware`` refuses to serve a route that does not):
/// it is the first check, before the handler's own load → authorize → validate → act.
enum RouteGate: Sendable, CustomStringConvertible {
    /// Anyone, signed in or not: public pages and their assets, sign-in, health. The handler may show
    /// the signed-in more (the catalog), and still decides per resource.
    case open
    /// Someone signed in inside government (a department's user, or an app where the handler accepts
    /// apps); the handler decides the rest. A registered member of the public is refused (403).
    case signedIn
    /// Anyone signed in, a registered member of the public (``Role/publicUser``) included.
    case registered
    /// The handler authorizes this action in the role × action table (``Authorization``).
    case action(CatalogAction)
    /// The handler asks the one read decision (``StoreReading``): full, a grant's view, the open
    /// portal's view, or nothing. Open data needs no sign-in, so nothing is checked up front.
    case storeRead
    /// A peer DataBank node's signed request (federation): the handler checks the signature
    /// (``NodeRequestVerifier``); no user or token signs it, so nothing is checked up front.
    case node

    static let key = "databank.gate"
    static let streamsKey = "databank.streamsBody"
    static let formUploadKey = "databank.formUpload"

    var description: String {
        switch self {
        case .open: return "open"
        case .signedIn: return "signedIn"
        case .registered: return "registered"
        case .action(let a): return "action(\(a.rawValue))"
        case .storeRead: return "storeRead"
        case .node: return "node"
        }
    }

    /// Whether this gate lets an anonymous caller through to the handler.
    var admitsAnonymous: Bool {
        switch self {
        case .open, .storeRead, .node: return true
        case .signedIn, .registered: return false
        case .action(let a):
            if case .everyone? = Authorization.table[a] { return true }
            return false
        }
    }
}

extension Route {
    /// Declares what this route asks of its caller.
    @discardableResult
    func gate(_ gate: RouteGate) -> Route {
        userInfo[RouteGate.key] = gate
        return self
    }

    /// The declared gate, nil for a route that declared none.
    var declaredGate: RouteGate? { userInfo[RouteGate.key] as? RouteGate }

    /// Declares that the handler streams the body itself (loads, file validation, verification
    /// batches), so the body size limit does not apply up front; the handler bounds what it reads.
    @discardableResult
    func streamsBody() -> Route {
        userInfo[RouteGate.streamsKey] = true
        return self
    }

    var streamsBodyDeclared: Bool { userInfo[RouteGate.streamsKey] as? Bool ?? false }

    /// Declares a page's streamed multipart upload form: the body streams (``streamsBody()``), and
    /// the form's CSRF token, its first field, is checked by ``MultipartUpload`` as the body arrives.
    @discardableResult
    func streamsFormUpload() -> Route {
        userInfo[RouteGate.formUploadKey] = true
        return streamsBody()
    }

    var formUploadDeclared: Bool { userInfo[RouteGate.formUploadKey] as? Bool ?? false }
}

extension RoutesBuilder {
    /// A builder whose routes all declare `gate` (a route may still declare its own after).
    func gated(_ gate: RouteGate) -> any RoutesBuilder { GatedRoutesBuilder(base: self, gate: gate) }
}

struct GatedRoutesBuilder: RoutesBuilder {
    let base: any RoutesBuilder
    let gate: RouteGate
    func add(_ route: Route) {
        route.userInfo[RouteGate.key] = gate
        base.add(route)
    }
}

/// Serves only routes that declared their gate, and answers 401 up front where the gate needs
/// someone and nobody signed in — the same answer for every code, known or not.
struct RouteGateMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let route = req.route else { return try await next.respond(to: req) }  // not found: 404 follows
        guard let gate = route.declaredGate else {
            req.logger.critical("Route \(route.method) \(route.path.string) declares no gate; refusing to serve it")
            throw AppError(.internalServerError, "undeclared_route", "This route declares no access rule and is not served")
        }
        // 我的数据: a subject's own routes admit a signed-in resident or enterprise and nobody else.
        if case .action(let action) = gate, Authorization.isForSubjects(action) {
            guard req.subject != nil else {
                guard req.url.path.hasPrefix("/api/") else {
                    return req.redirect(to: QueryLink(MyDataURL.signIn, [("next", WebMiddleware.returnPath(req))]).href)
                }
                // A staff user's or an app's token is no subject's: refused, not asked to sign in.
                if req.user != nil || req.app != nil {
                    throw AppError(.forbidden, "forbidden", "Only a data subject (a resident or an enterprise) may use this route")
                }
                throw AppError(.unauthorized, "unauthenticated", "Sign in with the identity provider and send its ID token")
            }
            return try await next.respond(to: req)
        }
        if !gate.admitsAnonymous, req.user == nil, req.app == nil {
            guard req.url.path.hasPrefix("/api/") else {
                // A page: to the sign-in form and back, as the portal does for "sign in first".
                return req.redirect(to: QueryLink(SiteURL.login.path, [("next", WebMiddleware.returnPath(req))]).href)
            }
            throw AppError(.unauthorized, "unauthenticated", "Sign in or send an API token")
        }
        // The government side is no registered member of the public's business, whatever the handler would show.
        if case .signedIn = gate, req.user?.role.isStaff == false, req.app == nil {
            throw AppError(.forbidden, "forbidden", "A registered user may not use this route")
        }
        return try await next.respond(to: req)
    }
}
