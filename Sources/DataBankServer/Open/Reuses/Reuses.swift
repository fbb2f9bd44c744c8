import Fluent
import Vapor
import DataBankCore

/// A reuse of open data ("apps built on this data"): submitted by a registered user, shown on the
/// portal (`/reuses`) only after the platform admin approves it.
final class ReuseRow: Model, @unchecked Sendable {
    static let schema = "reuses"
    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "name") var name: String
    @Field(key: "url") var url: String
    @Field(key: "description") var description: String
    /// The dataset codes it uses, as a JSON array.
    @Field(key: "datasets") var datasets: String
    @Field(key: "status") var status: String
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "decision_reason") var decisionReason: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    var datasetCodes: [String] { JSONText.decode([String].self, datasets) ?? [] }
    var reuseStatus: ReuseStatus { ReuseStatus(rawValue: status) ?? .pending }
}

enum Reuses {
    struct Input: Content {
        var name: String
        var url: String
        var description: String?
        var datasets: [String]
    }

    /// Stores a submitted reuse (pending); every dataset must be one the portal publishes.
    static func submit(_ input: Input, by user: User, on db: any Database) async throws -> ReuseRow {
        try AuthorizationGate.authorize(user.actor, .submitReuse, department: nil)
        var seen = Set<String>()
        let codes = input.datasets.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && seen.insert($0).inserted }
        let draft = ReuseDraft(
            name: input.name.trimmingCharacters(in: .whitespacesAndNewlines), url: input.url.trimmingCharacters(in: .whitespaces),
            description: (input.description ?? "").trimmingCharacters(in: .whitespacesAndNewlines), datasets: codes)
        var problems = draft.problems()
        if problems.isEmpty {
            let known = try await ResourceRow.query(on: db).filter(\.$code ~~ codes).all()
                .filter { CatalogService.isInCatalog($0) && $0.openType != OpenType.closed.rawValue }.map(\.code)
            if let unknown = codes.first(where: { !known.contains($0) }) {
                problems.append(
                    FieldError(
                        field: "datasets", code: "unknown_dataset", message: "未找到开放数据集：\(unknown)", messageEn: "No open dataset \(unknown)"))
            }
        }
        if !problems.isEmpty { throw AppError.validation(problems) }
        let row = ReuseRow()
        row.userID = try user.requireID(); row.name = draft.name; row.url = draft.url; row.description = draft.description
        row.datasets = JSONText.encode(draft.datasets); row.status = ReuseStatus.pending.rawValue
        try await row.create(on: db)
        return row
    }

    /// The platform admin publishes or turns down a pending reuse (a reason for a refusal).
    static func decide(_ id: UUID?, approve: Bool, reason: String?, by admin: User, on db: any Database) async throws -> ReuseRow {
        try AuthorizationGate.authorize(admin.actor, .approveReuses, department: nil)
        guard let id, let row = try await ReuseRow.find(id, on: db) else { throw AppError.notFound("Reuse") }
        guard row.reuseStatus == .pending else { throw AppError(.conflict, "already_decided", "The reuse is already \(row.status)") }
        let why = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !approve, why.isEmpty {
            throw AppError.field(.badRequest, "reason_required", "reason", zh: "不予发布时须说明理由", en: "Turning a reuse down needs a reason")
        }
        try TextLimit.check([("reason", why, TextLimit.note)])
        row.status = (approve ? ReuseStatus.approved : .rejected).rawValue
        row.decidedBy = admin.username; row.decidedAt = Date(); row.decisionReason = why.isEmpty ? nil : why
        try await row.save(on: db)
        return row
    }

    static func approved(on db: any Database) async throws -> [ReuseRow] {
        try await ReuseRow.query(on: db).filter(\.$status == ReuseStatus.approved.rawValue).sort(\.$createdAt, .descending).range(0..<500).all()
    }
}
