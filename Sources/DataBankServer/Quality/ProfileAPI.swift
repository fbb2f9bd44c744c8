import Fluent
import SQLKit
import Vapor
import DataBankCore

/// `GET /api/v1/resources/{code}/profile`: the latest column profile and the row count per run;
/// `POST` the same path: run a full scan now and answer its profile.
///
/// Whoever may see the resource reads its profile; the provider department and the platform
/// admin see it as it is, anyone else with the values of sensitive items (top values, minimum,
/// maximum) masked by the item's default mask — or withheld when it has none — as a grant
/// would show them. A full scan is the provider's (or the data authority's) to run.
struct ProfileAPI: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let profile = routes.grouped("resources", ":code", "profile")
        profile.get(use: show)
        profile.post(use: scan)
    }

    /// The latest profile (nil before the first run), as this reader may see it, and the runs.
    struct ProfileAnswer: Content {
        var resource: String
        var profile: ProfileSummary?
        var masked: Bool
        /// The store's last change-log seq: past the profile's `coveredSeq`, an update is on its way.
        var storeLastSeq: Int
        var history: [RunEntry]
    }

    struct RunEntry: Content {
        var id: UUID?
        var kind: String
        var startedAt: Date
        var finishedAt: Date
        var rowCount: Int
        var coveredSeq: Int
        var rowsRead: Int
    }

    func show(req: Request) async throws -> ProfileAnswer { try await Self.answer(req) }

    func scan(req: Request) async throws -> ProfileAnswer {
        let (store, _) = try await QualityRulesAPI.load(req)
        try req.authorize(.manageQualityRules, department: store.departmentCode)
        _ = try await req.application.profileScheduler.run(store.resourceCode, kind: .full)
        return try await Self.answer(req)
    }

    /// Load (404/409) → the reader's view → the latest run and the history.
    static func answer(_ req: Request) async throws -> ProfileAnswer {
        let (store, resource) = try await QualityRulesAPI.load(req)
        let history = try await ProfileRuns.history(store.resourceCode, on: req.db)
        var summary = try await ProfileRuns.latestSummary(store.resourceCode, on: req.db)
        // Loads that queued no run (the demo's, `databank load --no-profile`): catch up in the background.
        if (summary?.coveredSeq ?? 0) < store.lastSeq { req.application.profileScheduler.afterLoad(store.resourceCode) }
        let masked = !seesClearValues(req, store)
        if masked, let s = summary { summary = try await mask(s, resource: resource, on: req.db) }
        return ProfileAnswer(resource: store.resourceCode, profile: summary, masked: masked, storeLastSeq: store.lastSeq, history: history.map {
            RunEntry(id: $0.id, kind: $0.kind, startedAt: $0.startedAt, finishedAt: $0.finishedAt, rowCount: $0.rowCount,
                     coveredSeq: $0.coveredSeq, rowsRead: $0.rowsRead)
        })
    }

    /// The provider department and the platform admin see values as stored.
    static func seesClearValues(_ req: Request, _ store: RecordStoreRow) -> Bool {
        guard let user = req.user else { return false }
        return user.role == .platformAdmin || user.departmentCode == store.departmentCode
    }

    /// Each column's values under its item's default mask (``Masker/defaultRule(semantic:sensitivity:)``).
    static func mask(_ summary: ProfileSummary, resource: ResourceRow, on db: any Database) async throws -> ProfileSummary {
        let rules = try await GrantAccess.defaultMasks(resource: resource, on: db)
        let today = GrantAccess.today()
        var out = summary
        out.columns = summary.columns.map { c in
            let rule = rules[c.name] ?? .suppress  // an item the catalog no longer lists: nothing shown
            guard rule != .clear else { return c }
            // A pseudonym would need the consumer's key; a profile shows none (no default rule asks for one).
            return c.masking { value in
                if case .pseudonym = rule { return nil }
                return Masker.apply(rule, to: value, pseudonym: { _ in "" }, today: today)
            }
        }
        return out
    }
}
