import Fluent
import Vapor
import DataBankCore

/// The open portal's JSON API: sign-up, password, confirmations, usage, applications, feedback, reuses.
enum OpenPortalAPI {
    struct SignedUp: Content {
        var username: String
        /// `mail`: a link was mailed; `admin`: the platform admin confirms it.
        var confirmation: PublicAccounts.Confirmation
    }

    static func signup(req: Request) async throws -> Response {
        let (user, confirmation) = try await PublicAccounts.signUp(try req.decodeBody(PublicAccounts.SignupInput.self), req)
        return try await SignedUp(username: user.username, confirmation: confirmation).encodeResponse(status: .created, for: req)
    }

    static func changePassword(req: Request) async throws -> HTTPStatus {
        try await PublicAccounts.changePassword(try req.decodeBody(PublicAccounts.PasswordInput.self), req)
        return .noContent
    }

    struct SignupInfo: Content {
        var id: UUID?
        var username: String
        var email: String?
        var createdAt: Date?
    }

    static func signups(req: Request) async throws -> ListPage<SignupInfo> {
        try req.authorize(.confirmPublicUsers)
        return ListPage(
            items: try await PublicAccountsList.unconfirmed(on: req.db).map {
                SignupInfo(id: $0.id, username: $0.username, email: $0.email, createdAt: $0.createdAt)
            })
    }

    static func confirm(req: Request) async throws -> SignupInfo {
        let u = try await PublicAccounts.confirm(req.parameters.get("id", as: UUID.self), by: try req.requireUser(), on: req.db)
        return SignupInfo(id: u.id, username: u.username, email: u.email, createdAt: u.createdAt)
    }

    static func usage(req: Request) async throws -> ListPage<DeveloperUsage.Row> {
        let user = try req.requireUser()
        guard user.role == .publicUser else { throw AppError(.forbidden, "forbidden", "Usage is counted for registered users' keys") }
        return ListPage(items: try await DeveloperUsage.rows(for: user, req: req))
    }

    static func apply(req: Request) async throws -> Response {
        let row = try await OpenApplications.apply(
            try req.decodeBody(OpenApplications.Input.self), code: try req.parameters.require("code"), by: try req.requireUser(),
            reviewDays: SharingAPI.reviewDays, today: req.application.today, on: req.db)
        return try await ApplicationInfo(row, events: [], grant: nil, today: req.application.today).encodeResponse(status: .created, for: req)
    }

    static func applications(req: Request) async throws -> ListPage<ApplicationInfo> {
        let user = try req.requireUser()
        return ListPage(
            items: try await OpenApplications.mine(user, on: req.db).map { ApplicationInfo($0, events: nil, grant: nil, today: req.application.today) })
    }

    /// A registered user withdraws their own application while it is undecided.
    static func withdraw(req: Request) async throws -> ApplicationInfo {
        let user = try req.requireUser()
        try req.authorize(.applyForOpenData)
        guard let id = req.parameters.get("id", as: UUID.self), let row = try await ApplicationRow.find(id, on: req.db),
            row.consumerCode == user.actor.consumerCode
        else { throw AppError.notFound("Application") }
        try await Applications.withdraw(row, by: user, on: req.db)
        return ApplicationInfo(row, events: nil, grant: nil, today: req.application.today)
    }

    struct FeedbackInfo: Content {
        var id: UUID?
        var resource: String
        var kind: String
        var text: String
    }

    static func feedback(req: Request) async throws -> Response {
        let row = try await DatasetFeedback.give(
            try req.decodeBody(DatasetFeedback.Input.self), code: try req.parameters.require("code"), by: try req.requireUser(), on: req.db)
        return try await FeedbackInfo(id: row.id, resource: row.resourceCode, kind: row.kind, text: row.text).encodeResponse(status: .created, for: req)
    }

    struct ReuseInfo: Content {
        var id: UUID?
        var name: String
        var url: String
        var description: String
        var datasets: [String]
        var status: String
        init(_ r: ReuseRow) {
            id = r.id; name = r.name; url = r.url; description = r.description; datasets = r.datasetCodes; status = r.status
        }
    }

    static func reuses(req: Request) async throws -> ListPage<ReuseInfo> {
        ListPage(items: try await Reuses.approved(on: req.db).map(ReuseInfo.init))
    }

    static func submitReuse(req: Request) async throws -> Response {
        let row = try await Reuses.submit(try req.decodeBody(Reuses.Input.self), by: try req.requireUser(), on: req.db)
        return try await ReuseInfo(row).encodeResponse(status: .created, for: req)
    }

    struct ReuseDecision: Content {
        var decision: String
        var reason: String?
    }

    static func decideReuse(req: Request) async throws -> ReuseInfo {
        let body = try req.decodeBody(ReuseDecision.self)
        guard ["approve", "reject"].contains(body.decision) else {
            throw AppError.field(.badRequest, "invalid_decision", "decision", zh: "决定为 approve 或 reject", en: "decision is approve or reject")
        }
        return ReuseInfo(
            try await Reuses.decide(
                req.parameters.get("id", as: UUID.self), approve: body.decision == "approve", reason: body.reason, by: try req.requireUser(), on: req.db))
    }
}
