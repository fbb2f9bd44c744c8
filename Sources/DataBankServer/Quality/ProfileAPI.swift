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
        profile.get(use: show).gate(.storeRead)
        profile.post(use: scan).gate(.action(.runQualityCheck))
    }

    /// The latest profile (nil before the first run), as this reader may see it, and the runs.
    struct ProfileAnswer: Content {
        var resource: String
        var profile: ProfileSummary?
        var masked: Bool
        /// How the reader sees it: `full`, `grant`, `openPortal`, or `none` (history only: no profile).
        var access: String
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

    /// Readers of the records only (the one read decision; refusals answer as the records API does).
    func show(req: Request) async throws -> ProfileAnswer {
        _ = try await StoreReading.read(req, purposeRequired: false)
        return try await Self.answer(req)
    }

    func scan(req: Request) async throws -> ProfileAnswer {
        let (store, _) = try await QualityRulesAPI.load(req)
        try req.authorize(.runQualityCheck, department: store.departmentCode)
        _ = try await req.application.profileScheduler.run(store.resourceCode, kind: .full)
        return try await Self.answer(req)
    }

    /// Load (404/409) → the reader's view (``QualityRedaction``) → the latest run and the history.
    /// A reader of no records gets the history (row counts) and no profile.
    static func answer(_ req: Request, redaction known: QualityRedaction? = nil) async throws -> ProfileAnswer {
        let (store, _) = try await QualityRulesAPI.load(req)
        let redaction: QualityRedaction
        if let known { redaction = known } else { redaction = try await QualityRedaction.of(req) }
        let history = try await ProfileRuns.history(store.resourceCode, on: req.db)
        var summary = try await ProfileRuns.latestSummary(store.resourceCode, on: req.db)
        // Loads that queued no run (the demo's, `databank load --no-profile`): catch up in the background.
        if (summary?.coveredSeq ?? 0) < store.lastSeq { req.application.profileScheduler.afterLoad(store.resourceCode) }
        summary = summary.flatMap(redaction.apply)
        let outside = (req.app?.departmentCode ?? req.user?.departmentCode) != store.departmentCode
        if outside, let summary {
            // Values of another department's data were read (a consumer, open data, or the data
            // authority in full): the audit trail says who saw which items.
            try await AuditLog.append(.of(req), resource: store.resourceCode, operation: "profile.read", fields: summary.columns.map(\.name),
                                      count: 0, purpose: StoreReading.statedPurpose(req), requestID: req.id, requestHash: nil, on: req.db,
                                      trail: req.application.auditTrail)
        }
        let access: String = switch redaction.access { case .full?: "full"; case .grant?: "grant"; case .openPortal?: "openPortal"; default: "none" }
        return ProfileAnswer(resource: store.resourceCode, profile: summary, masked: redaction.access != .full, access: access, storeLastSeq: store.lastSeq,
                             history: history.map {
            RunEntry(id: $0.id, kind: $0.kind, startedAt: $0.startedAt, finishedAt: $0.finishedAt, rowCount: $0.rowCount,
                     coveredSeq: $0.coveredSeq, rowsRead: $0.rowsRead)
        })
    }
}
