import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /sharing/applications/:id` and the forms posted from it: the provider's decision, the
/// platform's countersignature or escalation, the applicant's withdrawal. Every step goes
/// through ``Applications``; a refused step shows the page again with its messages.
enum ApplicationPage {
    /// Everything the page shows.
    struct Model {
        var info: ApplicationInfo
        var items: [ScopeFields.Item]
        var keys: [String]
        var defaults: [String: MaskRule]
        var names: [String: String]
        var resourceName: String
        var serviceName: String?
        /// Display names of the people named on the page (applicant, decider, history), by username.
        var people: [String: String] = [:]

        func person(_ username: String?) -> String? { username.map { people[$0] ?? $0 } }
    }

    static func show(req: Request) async throws -> Response {
        let s = req.strings
        let done: [String: (String, String)] = [
            "applied": ("申请已提交。", "Your application was sent."), "decided": ("决定已记录。", "The decision was recorded."),
            "countersigned": ("平台已会签。", "Countersigned by the platform."), "escalated": ("已提请协调。", "The application was escalated."),
            "withdrawn": ("申请已撤回。", "The application was withdrawn.")
        ]
        let banners: [Body] = FormData(query: req)["done"].flatMap { done[$0] }.map { [Layout.okBanner(s.t($0.0, $0.1))] } ?? []
        return try await render(req, banners: banners)
    }

    static func render(
        _ req: Request, banners: [Body] = [], status: HTTPResponseStatus = .ok, posted: FormData? = nil,
        failed: String? = nil, error: AppError? = nil
    ) async throws -> Response {
        let m = try await load(req)
        let view = ApplicationView(req: req, m: m, posted: posted, failed: failed, error: error)
        var top = banners
        if let error { top.append(SharingFormView(s: req.strings, errors: FieldErrors(error)).summary(error)) }
        return Layout.render(req, title: view.title, status: status, path: SharingWeb.applicationLink(m.info.id), banners: top, view.content())
    }

    static func load(_ req: Request) async throws -> Model {
        let info = try await SharingAPI().show(req: req)
        let resource = try await ResourceRow.query(on: req.db).filter(\.$code == info.resource).first()
        let layout = try? await RecordStores.find(info.resource, on: req.db).recordLayout
        var service: VerificationServiceRow?
        if let code = info.service { service = try await VerificationServiceRow.query(on: req.db).filter(\.$code == code).first() }
        var defaults: [String: MaskRule] = [:]
        if let resource { defaults = try await GrantAccess.defaultMasks(resource: resource, on: req.db) }
        let en = req.language == "en"
        return Model(
            info: info, items: layout.map { ScopeFields.items($0, snapshot: resource?.catalogSnapshot) } ?? [],
            keys: layout?.keyNames ?? [],
            defaults: defaults,
            names: try await Directory.departmentNames(on: req.db, language: req.language).merging(
                info.consumer.hasPrefix(Actor.publicConsumerPrefix)
                    ? [info.consumer: (en ? "Registered user " : "注册用户 ") + info.applicant] : [:], uniquingKeysWith: { a, _ in a }),
            resourceName: resource.map { en ? ($0.nameEn ?? $0.name) : $0.name } ?? info.resource,
            serviceName: service.map { en ? ($0.nameEn ?? $0.name) : $0.name },
            people: try await Directory.displayNames([info.applicant] + [info.decidedBy].compactMap { $0 } + (info.events ?? []).map(\.actor), on: req.db))
    }

    // MARK: Posted forms

    /// `POST …/decision`: approve, approvePart or reject (the button pressed).
    static func decide(req: Request) async throws -> Response { try await decision(req, countersign: false) }

    /// `POST …/countersign`: the same decision, by the platform on an overdue or escalated application.
    static func countersign(req: Request) async throws -> Response { try await decision(req, countersign: true) }

    static func decision(_ req: Request, countersign: Bool) async throws -> Response {
        let user = try req.requireUser()
        let row = try await SharingAPI().load(req)
        let form = FormData(body: req)
        let kind = form["decision"] ?? ""
        let reason = form.raw("reason").trimmingCharacters(in: .whitespacesAndNewlines)
        var input = DecisionInput(decision: kind, reason: reason.isEmpty ? nil : reason)
        if kind == DecisionKind.approvePart.rawValue {
            let layout = try? await RecordStores.find(row.resourceCode, on: req.db).recordLayout
            if row.kind == "resource" {
                let (items, masks) = ScopeFields.parse(form, keys: layout?.keyNames ?? [])
                input.items = items; input.masks = masks; input.rowFilter = form["rowFilter"] ?? ""
            }
            input.validUntil = form["validUntil"].flatMap { $0.isEmpty ? nil : $0 }
        }
        return try await attempt(
            req, form: form, failed: countersign ? "countersign" : "decision",
            done: countersign ? "countersigned" : "decided"
        ) {
            try await Applications.decide(row, input, by: user, countersign: countersign, today: req.application.today, on: req.db)
        }
    }

    /// `POST …/escalate` (note).
    static func escalate(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let row = try await SharingAPI().load(req)
        let form = FormData(body: req)
        let note = form.raw("note").trimmingCharacters(in: .whitespacesAndNewlines)
        return try await attempt(req, form: form, failed: "escalate", done: "escalated") {
            try await Applications.escalate(row, note: note.isEmpty ? nil : note, by: user, on: req.db)
        }
    }

    /// `POST …/withdraw`.
    static func withdraw(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let row = try await SharingAPI().load(req)
        return try await attempt(req, form: FormData(body: req), failed: "withdraw", done: "withdrawn") {
            try await Applications.withdraw(row, by: user, on: req.db)
        }
    }

    /// Runs one step; on success back to the page with a banner, on a refusal the page again
    /// with the messages and the posted values.
    static func attempt(
        _ req: Request, form: FormData, failed: String, done: String,
        _ step: () async throws -> Void
    ) async throws -> Response {
        do {
            try await step()
            let id = try req.parameters.require("id", as: UUID.self)
            return Layout.seeOther(SiteURL.application(id).with([("done", done)]))
        } catch {
            guard let e = SharingWeb.showable(error) else { throw error }
            return try await render(req, status: e.status, posted: form, failed: failed, error: e)
        }
    }
}
