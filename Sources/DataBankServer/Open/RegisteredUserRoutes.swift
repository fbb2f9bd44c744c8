import Vapor

/// Every route of the open data portal's registered users, registered from this one place.
enum RegisteredUserRoutes {
    static func register(on app: Application) throws {
        let web = app.grouped(WebMiddleware())
        web.get("signup", use: SignupPage.show).gate(.open)
        web.post("signup", use: SignupPage.submit).gate(.open)
        web.get("signup", "verify", use: SignupPage.verify).gate(.open)
        web.get("account", "password", use: PasswordPage.show).gate(.action(.changeOwnPassword))
        web.post("account", "password", use: PasswordPage.submit).gate(.action(.changeOwnPassword))
        web.get("developer", use: DeveloperPage.show).gate(.registered)
        web.post("developer", "keys", use: DeveloperPage.createKey).gate(.action(.manageOwnTokens))
        web.post("developer", "keys", ":id", "revoke", use: DeveloperPage.revokeKey).gate(.action(.manageOwnTokens))
        web.get("admin", "signups", use: SignupsPage.show).gate(.action(.confirmPublicUsers))
        web.post("admin", "signups", ":id", "confirm", use: SignupsPage.confirm).gate(.action(.confirmPublicUsers))
        web.get("datasets", ":code", "apply", use: OpenApplyPage.show).gate(.action(.applyForOpenData))
        web.post("datasets", ":code", "apply", use: OpenApplyPage.submit).gate(.action(.applyForOpenData))
        web.get("datasets", ":code", "feedback", use: FeedbackPage.show).gate(.action(.giveFeedback))
        web.post("datasets", ":code", "feedback", use: FeedbackPage.submit).gate(.action(.giveFeedback))
        web.get("reuses", use: ReusesPage.list).gate(.open)
        web.get("reuses", "new", use: ReusesPage.new).gate(.action(.submitReuse))
        web.post("reuses", "new", use: ReusesPage.submit).gate(.action(.submitReuse))
        web.get("admin", "reuses", use: ReusesPage.review).gate(.action(.approveReuses))
        web.post("admin", "reuses", ":id", "decide", use: ReusesPage.decide).gate(.action(.approveReuses))

        let api = app.grouped("api", "v1")
        api.post("signup", use: OpenPortalAPI.signup).gate(.open)
        api.post("me", "password", use: OpenPortalAPI.changePassword).gate(.action(.changeOwnPassword))
        api.get("signups", use: OpenPortalAPI.signups).gate(.action(.confirmPublicUsers))
        api.post("signups", ":id", "confirm", use: OpenPortalAPI.confirm).gate(.action(.confirmPublicUsers))
        api.get("developer", "usage", use: OpenPortalAPI.usage).gate(.registered)
        api.get("developer", "applications", use: OpenPortalAPI.applications).gate(.registered)
        api.post("developer", "applications", ":id", "withdraw", use: OpenPortalAPI.withdraw).gate(.action(.applyForOpenData))
        api.post("datasets", ":code", "applications", use: OpenPortalAPI.apply).gate(.action(.applyForOpenData))
        api.post("datasets", ":code", "feedback", use: OpenPortalAPI.feedback).gate(.action(.giveFeedback))
        api.get("reuses", use: OpenPortalAPI.reuses).gate(.open)
        api.post("reuses", use: OpenPortalAPI.submitReuse).gate(.action(.submitReuse))
        api.post("reuses", ":id", "decision", use: OpenPortalAPI.decideReuse).gate(.action(.approveReuses))
    }
}
