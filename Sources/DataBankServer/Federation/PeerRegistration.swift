import Fluent
import SQLKit
import Vapor
import DataBankCore

/// What a data authority sends to register a peer node (the API's body; `databank node add-peer`).
struct PeerBody: Content {
    var code: String?
    var name: String?
    var nameEn: String?
    var regionCode: String?
    var relation: String?
    var baseURL: String?
    var publicKey: String?
}

/// What this node is called (the API's body; `databank node init`).
struct NodeBody: Content {
    var code: String?
    var name: String?
    var nameEn: String?
    var regionCode: String?
}

/// Checks and writes this node's identity and its peers, for the API and the CLI alike.
enum PeerRegistration {
    static func checkNode(_ body: NodeBody) throws -> (code: String, name: String, nameEn: String?, region: String) {
        var problems: [FieldError] = []
        let code = body.code?.trimmingCharacters(in: .whitespaces) ?? ""
        if !NodeNaming.isValidCode(code) { problems.append(codeProblem) }
        let name = body.name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if name.isEmpty || name.count > 100 { problems.append(nameProblem) }
        let nameEn = englishName(body.nameEn, problems: &problems)
        let region = body.regionCode?.trimmingCharacters(in: .whitespaces) ?? ""
        if !NodeNaming.isValidRegion(region) { problems.append(regionProblem) }
        if !problems.isEmpty { throw AppError(.unprocessableEntity, "invalid_node", problems.map(\.messageEn).joined(separator: "; "), details: problems) }
        return (code, name, nameEn, region)
    }

    /// Sets (or renames) this node. Its key does not change: it is derived from the platform key.
    static func setNode(_ body: NodeBody, on db: any Database) async throws -> FederationNodeRow {
        let checked = try checkNode(body)
        if try await FederationNodes.peer(checked.code, on: db) != nil {
            throw AppError.field(.conflict, "duplicate_code", "code", zh: "已有代码为 \(checked.code) 的对端节点", en: "A peer node has code \(checked.code)")
        }
        let row = try await FederationNodes.current(on: db) ?? FederationNodeRow()
        row.code = checked.code; row.name = checked.name; row.nameEn = checked.nameEn; row.regionCode = checked.region
        row.relation = FederationNodeRow.selfRelation
        try await row.save(on: db)
        return row
    }

    /// Checks a peer (fields, key, the base URL's address against `allow`) and registers it.
    static func addPeer(_ body: PeerBody, allow: WebhookAllowList, on db: any Database) async throws -> FederationNodeRow {
        var problems: [FieldError] = []
        let code = body.code?.trimmingCharacters(in: .whitespaces) ?? ""
        if !NodeNaming.isValidCode(code) { problems.append(codeProblem) }
        let name = body.name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if name.isEmpty || name.count > 100 { problems.append(nameProblem) }
        let nameEn = englishName(body.nameEn, problems: &problems)
        let region = body.regionCode?.trimmingCharacters(in: .whitespaces) ?? ""
        if !NodeNaming.isValidRegion(region) { problems.append(regionProblem) }
        let relation = NodeRelation(rawValue: body.relation ?? "")
        if relation == nil {
            problems.append(
                FieldError(
                    field: "relation", code: "invalid_relation", message: "关系须为 parent（上级）、child（下级）或 peer（直接往来的节点）",
                    messageEn: "relation is parent, child or peer"))
        }
        let key = (body.publicKey ?? "").trimmingCharacters(in: .whitespaces)
        if NodeKeys.decode(key) == nil { problems.append(keyProblem) }
        let url = (body.baseURL ?? "").trimmingCharacters(in: .whitespaces)
        let parsed = URL(string: url)
        let host = parsed?.host ?? ""
        if url.utf8.count > WebhookTargets.maxURLLength || !["http", "https"].contains(parsed?.scheme?.lowercased() ?? "") || host.isEmpty
            || parsed?.query != nil
        {
            problems.append(
                FieldError(
                    field: "baseURL", code: "invalid_url", message: "地址须为 http(s) 网址，如 https://data.foshan.gov.cn",
                    messageEn: "baseURL is an http(s) URL, e.g. https://data.foshan.gov.cn"))
        }
        if !problems.isEmpty { throw AppError(.unprocessableEntity, "invalid_peer", problems.map(\.messageEn).joined(separator: "; "), details: problems) }
        do {
            _ = try await WebhookTargets.checkedAddress(host: host, allow: allow)
        } catch .notAllowed {
            throw AppError.field(
                .unprocessableEntity, "peer_url_not_allowed", "baseURL", zh: "对端地址指向本机、内网或保留地址：须列入 DATABANK_FEDERATION_ALLOW",
                en: "baseURL points to a loopback, private or reserved address: list it in DATABANK_FEDERATION_ALLOW")
        } catch .unresolvable {
            throw AppError.field(.unprocessableEntity, "peer_host_unresolvable", "baseURL", zh: "对端地址的主机名无法解析", en: "baseURL's host name does not resolve")
        }
        if try await FederationNodeRow.query(on: db).filter(\.$code == code).first() != nil {
            throw AppError.field(.conflict, "duplicate_code", "code", zh: "已有代码为 \(code) 的节点", en: "A node with code \(code) is registered")
        }
        if relation == .parent, try await FederationNodeRow.query(on: db).filter(\.$relation == NodeRelation.parent.rawValue).first() != nil {
            throw AppError.field(.conflict, "parent_exists", "relation", zh: "本节点已登记上级节点", en: "This node already has a parent")
        }
        let row = FederationNodeRow()
        row.code = code; row.name = name; row.nameEn = nameEn; row.regionCode = region; row.relation = relation!.rawValue
        row.baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        row.publicKey = key
        try await row.create(on: db)
        return row
    }

    /// The English name as given (trimmed; empty is none), or a problem when it is too long.
    static func englishName(_ text: String?, problems: inout [FieldError]) -> String? {
        let nameEn = text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if nameEn.count > 100 {
            problems.append(FieldError(field: "nameEn", code: "too_long", message: "英文名称最多 100 个字符", messageEn: "nameEn is at most 100 characters"))
        }
        return nameEn.isEmpty ? nil : nameEn
    }

    static let keyProblem = FieldError(
        field: "publicKey", code: "invalid_public_key", message: "公钥须为 32 字节 Ed25519 公钥的 Base64（对端 `databank node show` 所示）",
        messageEn: "publicKey is the base64 of a 32-byte Ed25519 public key (as the peer's `databank node show` prints it)")
    static let codeProblem = FieldError(
        field: "code", code: "invalid_code", message: "节点代码为 2–40 个小写字母、数字、- 或 _（如 foshan、chancheng）",
        messageEn: "code is 2–40 lower-case letters, digits, - or _ (e.g. foshan, chancheng)")
    static let nameProblem = FieldError(field: "name", code: "required", message: "请填写名称（最多 100 个字符）", messageEn: "name is required (at most 100 characters)")
    static let regionProblem = FieldError(
        field: "regionCode", code: "invalid_region", message: "行政区划代码为 6 位数字（如 440600）", messageEn: "regionCode is a six-digit division code (e.g. 440600)")

    /// Derives a new signing key for this node (its key generation moved on) and returns the row. Its
    /// peers refuse its requests (401) until they register the new public key; what was sent meanwhile is
    /// retried (applications, relays, pulls), so nothing is lost, only delayed.
    static func rotateKey(on db: any Database) async throws -> FederationNodeRow {
        guard let me = try await FederationNodes.current(on: db) else {
            throw AppError(.conflict, "node_not_configured", "This node has no code yet: name it first (databank node init)")
        }
        me.keyGeneration = (me.keyGeneration ?? 1) + 1
        try await me.save(on: db)
        return me
    }

    /// Registers a peer's new public key (after it rotated its key).
    static func setKey(_ code: String, publicKey: String?, on db: any Database) async throws -> FederationNodeRow {
        guard let peer = try await FederationNodes.peer(code, on: db) else { throw AppError.notFound("Peer node \(code)") }
        let key = (publicKey ?? "").trimmingCharacters(in: .whitespaces)
        guard NodeKeys.decode(key) != nil else { throw AppError(.unprocessableEntity, "invalid_peer", keyProblem.messageEn, details: [keyProblem]) }
        peer.publicKey = key
        try await peer.save(on: db)
        return peer
    }

    /// Removes a peer: its requests are refused from now on, and the catalog entries that came through it
    /// are retired here (numbered on this node's clock, so the retirement flows further up) rather than
    /// left searchable with no node to apply at. Returns how many entries were retired.
    @discardableResult
    static func remove(_ peer: FederationNodeRow, on db: any Database) async throws -> Int {
        try await db.transaction { tx in
            let code = peer.code
            try await peer.delete(on: tx)
            let ids = try await tx.sql.raw(
                "SELECT id FROM federated_resources WHERE via_node = \(bind: code) AND status = 'published' ORDER BY federation_seq"
            ).all().map { try $0.decode(column: "id", as: UUID.self) }
            guard !ids.isEmpty else { return 0 }
            // Each entry its own number (the feed pages entries from below by number alone), claimed at once.
            let last = try await tx.sql.raw("UPDATE federation_clock SET seq = seq + \(bind: ids.count) WHERE id = 1 RETURNING seq").first()!.decode(
                column: "seq", as: Int64.self)
            for (i, id) in ids.enumerated() {
                let seq = last - Int64(ids.count - 1 - i)
                try await tx.sql.update("federated_resources").set("status", to: "retired").set("federation_seq", to: seq).where("id", .equal, id).run()
            }
            return ids.count
        }
    }
}
