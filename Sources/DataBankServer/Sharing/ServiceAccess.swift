import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Who may call a verification service, decided once for the verify endpoints and the joint checks
/// alike: the one read decision (``ReadAccess``) with the service grant as the grant — the provider
/// and the data authority, or a consumer with an active service grant (an app: one bound to it).
enum ServiceAccess {
    /// A service, its store and its spec, as calls need them; kept for a few seconds so a stream of
    /// calls does not load them again each time (grants are still checked on every call).
    static func definition(_ code: String, app: Application, on db: any Database) async throws -> ServiceCache.Entry {
        if let hit = await app.verificationServices.get(code) { return hit }
        guard let service = try await VerificationServiceRow.query(on: db).filter(\.$code == code).filter(\.$retiredAt == nil).first() else {
            throw AppError.notFound("Verification service \(code)")
        }
        guard let spec = service.verificationSpec else { throw AppError(.internalServerError, "invalid_service", "The service's definition cannot be read") }
        let store = try await RecordStores.find(service.resourceCode, on: db)
        _ = store.recordLayout  // decoded now, so the shared entry is only read
        guard let resource = try await ResourceRow.query(on: db).filter(\.$code == service.resourceCode).first() else {
            throw AppError.notFound("Verification service \(code)")
        }
        let entry = ServiceCache.Entry(service: service, store: store, spec: spec, resource: resource)
        await app.verificationServices.put(code, entry)
        return entry
    }

    /// The read decision for `actor` (or the app it signed in as) calling the service on `today`.
    static func decide(
        _ d: ServiceCache.Entry, actor: Actor?, app: AppPrincipal?, today: CivilDate, on db: any Database
    ) async throws -> ReadAccess {
        try await decide([d], actor: actor, app: app, today: today, on: db)[0]
    }

    /// The decisions for several services at once (a joint check's), in their order: the caller's grants
    /// for all of them read in one query — every call pays for it, and a check of 16 services paid 16 round
    /// trips before any was asked.
    static func decide(
        _ services: [ServiceCache.Entry], actor: Actor?, app: AppPrincipal?, today: CivilDate, on db: any Database
    ) async throws -> [ReadAccess] {
        let caller = actor?.departmentCode ?? app?.departmentCode ?? ""
        let facts = services.map { d in
            ReadAccess.Facts(
                actor: actor, appDepartment: app?.departmentCode, provider: d.service.providerCode,
                inCatalogForReader: CatalogService.canSee(d.resource, actor: actor), hasGrant: false, openToPublic: false)
        }
        let first = facts.map { ReadAccess.decide($0) }
        let asked = Array(Set(zip(services, first).filter { $0.1 != .full }.map(\.0.service.code))).sorted()
        guard !asked.isEmpty else { return first }
        let boundToApp: SQLQueryString = app.map { "AND id IN (SELECT grant_id FROM app_grants WHERE app_id = \(bind: $0.id))" } ?? ""
        let held = Set(
            try await db.sql.raw(
                """
                SELECT DISTINCT service_code FROM grants WHERE kind = 'service' AND service_code IN (\(binds: asked)) AND consumer_code = \(bind: caller)
                  AND revoked_at IS NULL AND valid_from <= \(bind: today.iso) AND valid_until >= \(bind: today.iso) \(boundToApp)
                """
            ).all().map { try $0.decode(column: "service_code", as: String.self) })
        return zip(services, zip(facts, first)).map { d, decided in
            guard decided.1 != .full else { return decided.1 }
            var facts = decided.0
            facts.hasGrant = held.contains(d.service.code)
            return ReadAccess.decide(facts)
        }
    }

    /// The service's answers for `inputs` (checked parameters), in one statement.
    static func evaluate(_ inputs: [[String: String]], spec: VerificationSpec, store: RecordStoreRow, on sql: any SQLDatabase) async throws -> [String] {
        let q = VerificationSQL(spec: spec, layout: store.recordLayout, table: store.tables.records, dialect: RecordTables.Dialect(sql))
        let statement = inputs.count == 1 ? q.statement(single: inputs[0]) : q.statement(inputs: JSONText.encode(inputs))
        let rows = try await sql.raw(statement).all()
        var answers = [String](repeating: q.label(0), count: inputs.count)
        for row in rows { answers[try row.decode(column: "n", as: Int.self)] = q.label(try row.decode(column: "answer", as: Int.self)) }
        return answers
    }
}
