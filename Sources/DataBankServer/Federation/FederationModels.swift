import Fluent
import Vapor
import DataBankCore

/// A DataBank node: this one (relation `self`: its code, name and region; its key is derived, see
/// ``NodeKeys``) or a peer its data authority registered (`parent` or `child`, with the base URL its
/// API answers at and its Ed25519 public key).
final class FederationNodeRow: Model, @unchecked Sendable {
    static let schema = "federation_nodes"
    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    /// The English name, when its data authority gave one (pages in English show it).
    @OptionalField(key: "name_en") var nameEn: String?
    @Field(key: "region_code") var regionCode: String
    /// self | parent | child
    @Field(key: "relation") var relation: String
    @OptionalField(key: "base_url") var baseURL: String?
    /// Base64 of the 32-byte raw Ed25519 public key (peers only).
    @OptionalField(key: "public_key") var publicKey: String?
    /// This node's own row: the generation its signing key is derived for (nil: the first). ``NodeKeys``
    @OptionalField(key: "key_generation") var keyGeneration: Int?
    /// Children: the catalog pull's cursor in the child's feed, schedule, lease and last outcome.
    @OptionalField(key: "catalog_cursor") var catalogCursor: String?
    @OptionalField(key: "next_pull_at") var nextPullAt: Date?
    @OptionalField(key: "pull_lease_until") var pullLeaseUntil: Date?
    @OptionalField(key: "pull_lease_token") var pullLeaseToken: String?
    @OptionalField(key: "last_pull_at") var lastPullAt: Date?
    @OptionalField(key: "last_pull_error") var lastPullError: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    static let selfRelation = "self"

    /// The name people read in `language`.
    func displayName(_ language: String) -> String { language == "en" ? (nameEn ?? name) : name }
}

/// This node as the API and `databank node show` answer it.
struct NodeIdentity: Content, Equatable {
    var code: String?
    var name: String?
    var nameEn: String?
    var regionCode: String?
    /// Base64 of the raw 32-byte Ed25519 public key: what a peer registers.
    var publicKey: String
    var configured: Bool
}

/// A registered peer as the API answers it.
struct PeerInfo: Content, Equatable {
    var code: String
    var name: String
    var nameEn: String?
    var regionCode: String
    var relation: String
    var baseURL: String
    var publicKey: String
    var lastPullAt: Date?
    var lastPullError: String?

    init(_ row: FederationNodeRow) {
        code = row.code; name = row.name; nameEn = row.nameEn; regionCode = row.regionCode; relation = row.relation
        baseURL = row.baseURL ?? ""; publicKey = row.publicKey ?? ""
        lastPullAt = row.lastPullAt; lastPullError = row.lastPullError
    }
}

enum FederationNodes {
    static func current(on db: any Database) async throws -> FederationNodeRow? {
        try await FederationNodeRow.query(on: db).filter(\.$relation == FederationNodeRow.selfRelation).first()
    }

    static func peer(_ code: String, on db: any Database) async throws -> FederationNodeRow? {
        try await FederationNodeRow.query(on: db).filter(\.$code == code).filter(\.$relation != FederationNodeRow.selfRelation).first()
    }

    static func peers(on db: any Database) async throws -> [FederationNodeRow] {
        try await FederationNodeRow.query(on: db).filter(\.$relation != FederationNodeRow.selfRelation).sort(\.$relation).sort(\.$code).all()
    }

    static func identity(app: Application, on db: any Database) async throws -> NodeIdentity {
        let row = try await current(on: db)
        let key = try await NodeKeys.signingKey(app: app, on: db)
        return NodeIdentity(
            code: row?.code, name: row?.name, nameEn: row?.nameEn, regionCode: row?.regionCode, publicKey: NodeKeys.encode(key.publicKey),
            configured: row != nil)
    }
}
