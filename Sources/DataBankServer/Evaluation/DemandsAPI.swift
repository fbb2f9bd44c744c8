import Fluent
import Vapor
import DataBankCore

/// The demand registry over HTTP:
/// `GET|POST /api/v1/demands`, `GET /api/v1/demands/{id}`,
/// `POST /api/v1/demands/{id}/accept|fulfil|decline|vote|assign`,
/// `GET /api/v1/demands/counts` (unmet per provider and theme), `GET /api/v1/demands/gaps` (data authority),
/// `GET /api/v1/demands/suggestions?q=` (resources that may already answer a need).
struct DemandsAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let demands = routes.grouped("demands")
        demands.get(use: list).gate(.registered)
        demands.post(use: register).gate(.action(.registerDemand))
        demands.get("counts", use: counts).gate(.signedIn)
        demands.get("gaps", use: gaps).gate(.action(.readDemandGaps))
        demands.get("suggestions", use: suggestions).gate(.registered)
        demands.get(":id", use: show).gate(.registered)
        demands.post(":id", "accept", use: accept).gate(.signedIn)
        demands.post(":id", "fulfil", use: fulfil).gate(.signedIn)
        demands.post(":id", "decline", use: decline).gate(.signedIn)
        demands.post(":id", "assign", use: assign).gate(.action(.assignDemand))
        demands.post(":id", "vote", use: vote).gate(.action(.voteDemand))
    }

    func register(req: Request) async throws -> Response {
        let input = try req.decodeBody(Demands.Input.self)
        let row = try await Demands.register(input, req: req)
        let suggested = try await DemandSuggestions.find(title: row.title, items: row.items, actor: req.actor, sql: req.sql)
        return try await DemandInfo(row, today: req.application.today, suggestions: suggested).encodeResponse(status: .created, for: req)
    }

    /// `?state=`, `?provider=` (`none`: unassigned), `?theme=`, `?mine=1`, `?toMe=1`, `?overdue=1`.
    func list(req: Request) async throws -> ListPage<DemandInfo> {
        let rows = try await Demands.list(req, try Demands.filter(req))
        return ListPage(items: rows.map { DemandInfo($0, today: req.application.today) })
    }

    func show(req: Request) async throws -> DemandInfo {
        try await Self.info(try await Demands.find(req.parameters.get("id", as: UUID.self), req: req), req: req)
    }

    /// A demand with its history, its votes and (while open) the resources that may already answer it.
    static func info(_ row: DemandRow, req: Request) async throws -> DemandInfo {
        let (events, votes) = try await Demands.history(row, on: req.db)
        let suggested =
            row.demandState.isOpen ? try await DemandSuggestions.find(title: row.title, items: row.items, actor: req.actor, sql: req.sql) : nil
        return DemandInfo(row, today: req.application.today, suggestions: suggested, events: events, votes: votes)
    }

    struct Counts: Content {
        struct Line: Content { var key: String; var counts: DemandCounts }
        var byProvider: [Line]
        var byTheme: [Line]
    }

    /// Unmet and met demands per provider (`""`: not yet assigned) and per theme (`""`: none given), the most unmet first.
    func counts(req: Request) async throws -> Counts {
        func lines(_ d: [String: DemandCounts]) -> [Counts.Line] {
            d.map { Counts.Line(key: $0.key, counts: $0.value) }.sorted { ($0.counts.unmet, $1.key) > ($1.counts.unmet, $0.key) }
        }
        return Counts(
            byProvider: lines(try await DemandCounting.byProvider(on: req.db)), byTheme: lines(try await DemandCounting.byTheme(on: req.db)))
    }

    func gaps(req: Request) async throws -> ListPage<DemandCounting.Gap> {
        try req.authorize(.readDemandGaps)
        return ListPage(items: try await DemandCounting.gaps(today: req.application.today, provider: req.query[String.self, at: "provider"], on: req.db))
    }

    func suggestions(req: Request) async throws -> ListPage<DemandSuggestion> {
        let q = req.query[String.self, at: "q"] ?? ""
        guard let text = Demands.clean(q) else {
            throw AppError.field(.badRequest, "q_required", "q", zh: "请输入需求的内容", en: "q is required: the words of the need")
        }
        guard text.count <= TextLimit.name else {
            throw AppError.field(.unprocessableEntity, "too_long", "q", zh: "最多 \(TextLimit.name) 个字符", en: "At most \(TextLimit.name) characters")
        }
        return ListPage(items: try await DemandSuggestions.find(title: text, actor: req.actor, sql: req.sql))
    }

    struct Answer: Content, BoundedText {
        var note: String?; var reason: String?; var resource: String?; var grant: String?; var provider: String?
        var boundedFields: [(field: String, value: String?, max: Int)] {
            [("note", note, TextLimit.note), ("reason", reason, TextLimit.note), ("resource", resource, 64), ("grant", grant, 64), ("provider", provider, 64)]
        }
    }

    private func answer(_ req: Request) throws -> Answer { try req.decodeOptionalBody(Answer.self) ?? Answer() }
    private func id(_ req: Request) -> UUID? { req.parameters.get("id", as: UUID.self) }

    func accept(req: Request) async throws -> DemandInfo {
        try await Self.info(try await Demands.accept(id(req), note: try answer(req).note, req: req), req: req)
    }

    func fulfil(req: Request) async throws -> DemandInfo {
        let a = try answer(req)
        return try await Self.info(try await Demands.fulfil(id(req), resource: a.resource, grant: a.grant, note: a.note, req: req), req: req)
    }

    func decline(req: Request) async throws -> DemandInfo {
        let a = try answer(req)
        return try await Self.info(try await Demands.decline(id(req), reason: a.reason ?? a.note, req: req), req: req)
    }

    func assign(req: Request) async throws -> DemandInfo {
        let a = try answer(req)
        return try await Self.info(try await Demands.assign(id(req), provider: a.provider, note: a.note, req: req), req: req)
    }

    func vote(req: Request) async throws -> DemandInfo {
        try await Self.info(try await Demands.vote(id(req), note: try answer(req).note, req: req), req: req)
    }
}
