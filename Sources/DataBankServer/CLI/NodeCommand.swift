import Fluent
import Vapor

/// `databank node …`: this node's federation identity and its peers (docs/FEDERATION.md).
/// `node show` prints what a peer's data authority registers (code, name, region, public key).
struct NodeCommand: AsyncCommandGroup {
    var help: String {
        "Federation: `databank node show`, `node init`, `node peers`, `node add-peer CODE …`, `node remove-peer CODE`, `node ping CODE`, `node pull CODE`, `node rotate-key`, `node set-key CODE --key KEY`."
    }
    var commands: [String: any AnyAsyncCommand] {
        [
            "show": ShowNode(), "init": InitNode(), "peers": ListPeers(), "add-peer": AddPeer(), "remove-peer": RemovePeer(), "ping": PingPeer(),
            "rotate-key": RotateNodeKey(), "set-key": SetPeerKey(),
            "pull": PullPeer()
        ]
    }
    var defaultCommand: (any AnyAsyncCommand)? { ShowNode() }

    static func audit(_ app: Application, _ operation: String, _ code: String) async throws {
        try await AuditLog.append(
            .cli(nil), resource: nil, operation: operation, fields: [code], count: 0, purpose: nil, requestID: nil, requestHash: nil, on: app.db,
            trail: app.auditTrail)
    }

    static func peer(_ code: String, on db: any Database) async throws -> FederationNodeRow {
        guard let row = try await FederationNodes.peer(code, on: db) else {
            throw CLIError("no peer node \(code) (see `databank node peers`)", zh: "没有对端节点 \(code)（见 `databank node peers`）")
        }
        return row
    }
}

struct ShowNode: AsyncCommand {
    struct Signature: CommandSignature { init() {} }
    var help: String { "This node: code, name, region code and the Ed25519 public key a peer registers (one `field<TAB>value` a line)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let me = try await FederationNodes.identity(app: context.application, on: context.application.db)
        context.console.print("code\t\(me.code ?? "")")
        context.console.print("name\t\(me.name ?? "")")
        context.console.print("name_en\t\(me.nameEn ?? "")")
        context.console.print("region\t\(me.regionCode ?? "")")
        context.console.print("public_key\t\(me.publicKey)")
        if !me.configured { context.console.error("this node has no code yet: `databank node init --code CODE --name NAME --region CODE`") }
    }
}

struct InitNode: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "code", help: "This node's code, e.g. foshan") var code: String?
        @Option(name: "name", help: "Its name, e.g. 佛山市") var name: String?
        @Option(name: "name-en", help: "Its English name, e.g. Foshan (optional)") var nameEn: String?
        @Option(name: "region", help: "Its administrative division code, e.g. 440600") var region: String?
        init() {}
    }
    var help: String { "Names this node (code, name, region); its key pair is derived from the platform key and does not change." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let row = try await PeerRegistration.setNode(
            NodeBody(code: signature.code, name: signature.name, nameEn: signature.nameEn, regionCode: signature.region), on: app.db)
        try await NodeCommand.audit(app, "federation.node", row.code)
        try await ShowNode().run(using: context, signature: .init())
    }
}

struct ListPeers: AsyncCommand {
    struct Signature: CommandSignature { init() {} }
    var help: String { "The peer nodes: code, relation, region, name, base URL, public key, English name (tab-separated)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        context.console.print("code\trelation\tregion\tname\tbase_url\tpublic_key\tname_en")
        for p in try await FederationNodes.peers(on: context.application.db) {
            context.console.print([p.code, p.relation, p.regionCode, p.name, p.baseURL ?? "", p.publicKey ?? "", p.nameEn ?? ""].joined(separator: "\t"))
        }
    }
}

struct AddPeer: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "code", help: "The peer's code (its `databank node show`)") var code: String
        @Option(name: "relation", help: "parent, child or peer") var relation: String?
        @Option(name: "name", help: "Its name") var name: String?
        @Option(name: "name-en", help: "Its English name (optional)") var nameEn: String?
        @Option(name: "region", help: "Its administrative division code") var region: String?
        @Option(name: "url", help: "Its base URL, e.g. https://data.chancheng.gov.cn") var url: String?
        @Option(name: "key", help: "Its public key (its `databank node show`)") var key: String?
        init() {}
    }
    var help: String { "Registers a peer node. Private addresses must be listed in DATABANK_FEDERATION_ALLOW." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let body = PeerBody(
            code: signature.code, name: signature.name, nameEn: signature.nameEn, regionCode: signature.region, relation: signature.relation,
            baseURL: signature.url,
            publicKey: signature.key)
        let row = try await PeerRegistration.addPeer(body, allow: app.settings.federationAllow, on: app.db)
        try await NodeCommand.audit(app, "federation.peer.add", row.code)
        context.console.print("registered \(row.relation) \(row.code) at \(row.baseURL ?? "")")
    }
}

struct RemovePeer: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "code", help: "The peer's code") var code: String
        init() {}
    }
    var help: String { "Removes a peer node: its requests are refused from now on, the catalog entries that came through it retired." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let retired = try await PeerRegistration.remove(try await NodeCommand.peer(signature.code, on: app.db), on: app.db)
        try await NodeCommand.audit(app, "federation.peer.remove", signature.code)
        context.console.print("removed \(signature.code)" + (retired > 0 ? "; \(retired) catalog entries that came through it retired" : ""))
    }
}

struct PingPeer: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "code", help: "The peer's code") var code: String
        init() {}
    }
    var help: String { "Sends a signed request to a peer: prints what it checked this node as, or its refusal (exit 1)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let peer = try await NodeCommand.peer(signature.code, on: app.db)
        let client = try await NodeClient.make(app: app, on: app.db)
        let answer = try await client.send(.GET, "/api/v1/federation/ping", to: peer, operation: "federation.ping")
        guard answer.status == 200 else {
            throw CLIError("\(peer.code) refused: \(NodeClient.describe(answer))", zh: "\(peer.code) 拒绝：\(NodeClient.describe(answer))")
        }
        context.console.print(String(buffer: answer.body))
    }
}

struct PullPeer: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "code", help: "The child's code") var code: String
        init() {}
    }
    var help: String { "Pulls a child's catalog now (its changes since the kept cursor); prints entries and pages received." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let peer = try await NodeCommand.peer(signature.code, on: app.db)
        guard let token = try await CatalogPull.lease(try peer.requireID(), now: app.settings.now(), on: app.db) else {
            throw CLIError("a pull of \(peer.code)'s catalog is running; try again when it has finished", zh: "正在拉取 \(peer.code) 的目录，请稍后再试")
        }
        let outcome = try await CatalogPull.run(peer, token: token, app: app)
        context.console.print("\(outcome.peer)\tentries \(outcome.entries)\tpages \(outcome.pages)\tcursor \(outcome.cursor ?? "")")
    }
}

struct RotateNodeKey: AsyncCommand {
    struct Signature: CommandSignature { init() {} }
    var help: String {
        "Derives a new key pair for this node and prints it (as `node show`); each peer then runs `databank node set-key THIS-CODE --key NEW-KEY`."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let row = try await PeerRegistration.rotateKey(on: app.db)
        try await NodeCommand.audit(app, "federation.node.rotate-key", row.code)
        try await ShowNode().run(using: context, signature: .init())
        context.console.error(
            "new key: until each peer runs `databank node set-key \(row.code) --key <public_key above>`, it refuses this node's requests (they are retried)")
    }
}

struct SetPeerKey: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "code", help: "The peer's code") var code: String
        @Option(name: "key", help: "Its new public key (its `databank node show` after `node rotate-key`)") var key: String?
        init() {}
    }
    var help: String { "Registers a peer's new public key, after it rotated its key." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        _ = try await NodeCommand.peer(signature.code, on: app.db)
        let row = try await PeerRegistration.setKey(signature.code, publicKey: signature.key, on: app.db)
        try await NodeCommand.audit(app, "federation.peer.key", row.code)
        context.console.print("\(row.code): key updated")
    }
}
