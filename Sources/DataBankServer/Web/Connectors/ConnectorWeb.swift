import Fluent
import Plot
import Vapor
import DataBankCore

/// A grant the department holds at another node, offered as a relay's source.
struct RemoteGrantChoice {
    var node: String
    var nodeName: String
    var resource: String
    var resourceName: String?
    var until: String?
}

/// What the connector pages share: labels of kinds, states and outcomes, and the runs' numbers.
enum ConnectorWeb {
    /// The peers a relay may read from, and the signed-in department's active grants at them.
    static func relayChoices(_ req: Request) async throws -> (peers: [(String, String)], grants: [RemoteGrantChoice]) {
        let peers = try await FederationNodes.peers(on: req.db)
        guard !peers.isEmpty, let user = req.user else { return ([], []) }
        let names = Dictionary(peers.map { ($0.code, $0.displayName(req.language)) }, uniquingKeysWith: { a, _ in a })
        let rows = try await FederationApplicationRow.query(on: req.db).filter(\.$departmentCode == user.departmentCode)
            .filter(\.$grantState == "active").sort(\.$peerNode).sort(\.$resourceCode).all()
        var grants: [RemoteGrantChoice] = []
        for row in rows {
            // An application made before the owner's catalog entry arrived has no name kept: the entry's, when it is here now.
            var name = row.resourceName
            if name == nil { name = try await FederatedCatalog.find(origin: row.peerNode, code: row.resourceCode, on: req.db)?.0.name }
            grants.append(
                RemoteGrantChoice(
                    node: row.peerNode, nodeName: names[row.peerNode] ?? row.peerNode, resource: row.resourceCode, resourceName: name,
                    until: row.grantedUntil))
        }
        return (peers.map { ($0.code, $0.displayName(req.language)) }, grants)
    }

    static func kindLabel(_ kind: String, _ s: Strings) -> String {
        switch kind {
        case "sqlite": return s.t("SQLite 文件", "SQLite file")
        case "postgres": return "PostgreSQL"
        case "folder": return s.t("监视文件夹", "Watched folder")
        case "http": return s.t("HTTP 接口", "HTTP API")
        case "databank": return s.t("其他节点（转接）", "Another DataBank (relay)")
        default: return kind
        }
    }

    static func modeLabel(_ mode: String, _ s: Strings) -> String {
        mode == "incremental" ? s.t("增量", "Incremental") : s.t("整体替换", "Replace all")
    }

    /// The connector's state: running now, paused, or active (waiting for its next run).
    static func stateBadge(_ info: ConnectorInfo, _ s: Strings) -> Body {
        if info.running { return .badge(s.t("正在运行", "Running"), "state-submitted", testid: "connector-state") }
        if info.status == "paused" { return .badge(s.t("已暂停", "Paused"), "state-retired", testid: "connector-state") }
        return .badge(s.t("启用", "Active"), "state-published", testid: "connector-state")
    }

    /// A run's outcome as a pill.
    static func runBadge(_ status: String, _ s: Strings) -> Body {
        let (zh, en, kind): (String, String, String) =
            switch status {
            case "succeeded": ("成功", "Succeeded", "state-published")
            case "failed": ("失败", "Failed", "share-none")
            case "interrupted": ("中断", "Interrupted", "state-changeRequested")
            case "running": ("运行中", "Running", "state-submitted")
            default: (status, status, "state-draft")
            }
        return .badge(s.t(zh, en), kind, testid: "run-status")
    }

    static func triggerLabel(_ trigger: String, _ s: Strings) -> String {
        switch trigger {
        case "schedule": return s.t("计划", "Schedule")
        case "retry": return s.t("重试", "Retry")
        case "manual": return s.t("手动", "Manual")
        default: return trigger
        }
    }

    static func schedule(_ text: String, _ s: Strings) -> Body {
        let words = ConnectorScheduleWords.describe(text, lang: s.lang)
        return words == text ? .el("code", .esc(text)) : .group([.esc(words), .br(), .span(.cls("code muted"), .esc(text))])
    }

    /// "1.2 s" / "2 min 5 s".
    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "—" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        return "\(whole / 60) min \(whole % 60) s"
    }

    /// Where a source reads, in one line (never a secret).
    static func sourceSummary(_ source: ConnectorSource) -> String {
        switch source.kind {
        case "postgres":
            let what = source.table ?? s(source.query)
            return "\(source.user ?? "")@\(source.host ?? ""):\(source.port ?? 5432)/\(source.database ?? "") · \(what)"
        case "folder": return source.path ?? ""
        case "databank": return "\(source.node ?? "") · \(source.resource ?? "")"
        case "http":
            let paging = source.paging.map { $0.style == "none" ? "" : " · " + $0.style } ?? ""
            return (source.url ?? "") + " · " + (source.format ?? "json") + paging + " · auth " + (source.auth ?? "none")
        default: return (source.path ?? "") + " · " + (source.table ?? s(source.query))
        }
    }

    private static func s(_ query: String?) -> String {
        guard let query else { return "" }
        let one = query.split(whereSeparator: \.isNewline).joined(separator: " ")
        return one.count > 60 ? String(one.prefix(60)) + "…" : one
    }

    /// The stores the user may attach a connector to, as (code, "name (code)"), by code.
    static func resourceChoices(_ req: Request) async throws -> [(String, String)] {
        var query = RecordStoreRow.query(on: req.db).sort(\.$resourceCode)
        switch Authorization.reach(req.actor, .manageConnectors) {
        case .all: break
        case .own(let department): query = query.filter(\.$departmentCode == department)
        case .none: return []
        }
        let codes = try await query.all().map(\.resourceCode)
        let names = try await SharingWeb.resourceNames(codes, req: req)
        return codes.map { ($0, "\(names[$0] ?? $0)（\($0)）") }
    }
}
