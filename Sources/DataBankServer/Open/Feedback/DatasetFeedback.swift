import Fluent
import Vapor
import DataBankCore

/// Feedback on a dataset from someone signed in: an error report or a request for more data,
/// routed to the provider department (its inbox, and mail when configured).
final class FeedbackRow: Model, @unchecked Sendable {
    static let schema = "dataset_feedback"
    @ID(key: .id) var id: UUID?
    @Field(key: "resource_code") var resourceCode: String
    @Field(key: "provider_code") var providerCode: String
    @Field(key: "user_id") var userID: UUID
    @Field(key: "username") var username: String
    @Field(key: "kind") var kind: String
    @Field(key: "text") var text: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

enum DatasetFeedback {
    struct Input: Content {
        var kind: String
        var text: String
    }

    /// Stores the feedback and notifies the provider, in one transaction.
    static func give(_ input: Input, code: String, by user: User, on db: any Database) async throws -> FeedbackRow {
        try AuthorizationGate.authorize(user.actor, .giveFeedback, department: nil)
        guard let resource = try await ResourceRow.query(on: db).filter(\.$code == code).first(),
            CatalogService.canSee(resource, actor: user.actor), CatalogService.isInCatalog(resource)
        else { throw AppError.notFound("Resource \(code)") }
        var problems: [FieldError] = []
        guard let kind = FeedbackKind(rawValue: input.kind) else {
            throw AppError.field(.badRequest, "invalid_kind", "kind", zh: "类型为 error 或 request", en: "kind is error or request")
        }
        let text = input.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty {
            problems.append(FieldError(field: "text", code: "required", message: "请填写反馈内容", messageEn: "Write your feedback"))
        } else if text.count > TextLimit.note {
            problems.append(
                FieldError(field: "text", code: "too_long", message: "反馈最多 2000 个字符", messageEn: "Feedback is at most 2,000 characters"))
        }
        if !problems.isEmpty { throw AppError.validation(problems) }
        let row = FeedbackRow()
        row.resourceCode = resource.code; row.providerCode = resource.departmentCode
        row.userID = try user.requireID(); row.username = user.username; row.kind = kind.rawValue; row.text = text
        try await db.transaction { tx in
            try await row.create(on: tx)
            let name = "\(resource.name)（\(resource.code)）", nameEn = "\(resource.nameEn ?? resource.name) (\(resource.code))"
            let excerpt = String(text.prefix(120))
            try await Applications.notify(
                resource.departmentCode, "feedback", zh: "\(user.username) 对“\(name)”的\(kind.zh)：\(excerpt)",
                en: "\(kind.en) on “\(nameEn)” from \(user.username): \(excerpt)", link: SiteURL.resource(resource.code).path, on: tx)
        }
        return row
    }
}
