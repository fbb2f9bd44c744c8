import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /catalog/resources/:code/apply` shows the application form; `POST` sends it through
/// ``Applications/apply(_:by:reviewDays:today:on:)`` and goes to the new application's page.
enum ApplyPage {
    /// What the form needs to know about the resource and the applying department.
    struct Context {
        var resource: ResourceRow
        var snapshot: ResourceSnapshot?
        var layout: RecordLayout
        var sharing: SharingType
        var defaults: [String: MaskRule]
        var apps: [AppRow]
        var services: [VerificationServiceRow]
        var providerCode: String
        var providerName: String
        var own: Bool
    }

    static func show(req: Request) async throws -> Response {
        let c = try await load(req)
        return ApplyView(req: req, c: c, posted: nil, error: nil).render()
    }

    static func submit(req: Request) async throws -> Response {
        let c = try await load(req)
        let user = try req.requireUser()
        let form = FormData(body: req)
        let service = form["service"].flatMap { $0.isEmpty ? nil : $0 }
        let (items, masks) = ScopeFields.parse(form, keys: c.layout.keyNames)
        let input = ApplicationInput(
            resource: c.resource.code, service: service, purpose: form.raw("purpose").trimmingCharacters(in: .whitespacesAndNewlines),
            legalBasis: form["legalBasis"], items: service != nil || items.isEmpty ? nil : items,
            rowFilter: service == nil ? form["rowFilter"] : nil, masks: service != nil || masks.isEmpty ? nil : masks,
            unmaskReason: service == nil ? form["unmaskReason"].flatMap { $0.isEmpty ? nil : $0 } : nil,
            validFrom: form["validFrom"].flatMap { $0.isEmpty ? nil : $0 }, validUntil: form["validUntil"] ?? "",
            app: form["app"].flatMap(UUID.init(uuidString:)))
        do {
            let row = try await Applications.apply(input, by: user, reviewDays: SharingAPI.reviewDays, today: req.application.today, on: req.db)
            return Layout.seeOther(SharingWeb.applicationLink(row.id) + "?done=applied")
        } catch {
            guard let e = SharingWeb.showable(error) else { throw error }
            return ApplyView(req: req, c: c, posted: form, error: e).render(status: e.status)
        }
    }

    static func load(_ req: Request) async throws -> Context {
        let user = try req.requireUser()
        try req.authorize(.applyForAccess, department: user.departmentCode)
        let code = try req.parameters.require("code")
        let resource = try await CatalogService(req: req).visible(code: code)
        guard CatalogService.isInCatalog(resource) else { throw AppError.notFound("Resource \(code)") }
        let store = try await RecordStores.find(code, on: req.db)
        let names = try await Directory.departmentNames(on: req.db, language: req.language)
        return Context(
            resource: resource, snapshot: resource.catalogSnapshot, layout: store.recordLayout,
            sharing: SharingType(rawValue: resource.sharingType) ?? .conditional,
            defaults: try await GrantAccess.defaultMasks(resource: resource, on: req.db),
            apps: try await AppRow.query(on: req.db).filter(\.$departmentCode == user.departmentCode).filter(\.$revokedAt == nil).sort(\.$name).all(),
            services: try await VerificationServiceRow.query(on: req.db).filter(\.$resourceCode == code).filter(\.$retiredAt == nil).sort(\.$code).all(),
            providerCode: store.departmentCode, providerName: names[store.departmentCode] ?? store.departmentCode,
            own: store.departmentCode == user.departmentCode)
    }
}
