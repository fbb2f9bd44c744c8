import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /connectors`: the connectors the user may read (``CatalogAction/readConnectors``: their
/// department's, or all for the data authority) — schedule in words, state, the last run with its
/// outcome and the next run, both in the city's time.
enum ConnectorListPage {
    static func show(req: Request) async throws -> Response {
        let s = req.strings
        let items = try await ConnectorsAPI.list(req: req).items
        let names = try await SharingWeb.resourceNames(items.map(\.resource), req: req)
        var lastRuns: [String: ConnectorRunRow] = [:]
        for item in items {
            lastRuns[item.code] = try await ConnectorRunRow.query(on: req.db).filter(\.$connectorCode == item.code)
                .sort(\.$startedAt, .descending).first()
        }
        let zone = s.t("（北京时间）", " (China Standard Time)")
        let rows: [[Body]] = items.map { c in
            let last = lastRuns[c.code]
            return [
                .group([
                    .link(SiteURL.connector(c.code).path, c.name, .testid("connector-link")), .br(),
                    .span(.cls("code muted"), .esc(c.code))
                ]),
                SharingWeb.resource(c.resource, names),
                .esc(ConnectorWeb.kindLabel(c.source.kind, s)),
                ConnectorWeb.schedule(c.schedule, s),
                ConnectorWeb.stateBadge(c, s),
                last.map { run in
                    .group([
                        .esc(DisplayTime.plain(run.startedAt)), .br(), ConnectorWeb.runBadge(run.status, s),
                        .span(.cls("muted"), .esc(" " + s.t("读 \(run.rowsRead) 行", "\(run.rowsRead) rows")))
                    ])
                } ?? .span(.cls("muted"), .esc(s.t("尚未运行", "Not run yet"))),
                c.status == "paused" ? .span(.cls("muted"), .esc("—")) : .esc(DisplayTime.plain(c.nextRunAt))
            ]
        }
        let mayCreate = Authorization.reach(req.actor, .manageConnectors) != .none
        let done = FormData(query: req)["done"]
        let banners: [Body] = done == "deleted" ? [Layout.okBanner(s.t("连接器已删除。", "The connector was deleted."))] : []
        let content: [Body] = [
            Layout.heading(
                s.t("前置交换连接器", "Connectors"),
                sub: s.t(
                    "按计划从部门自己的系统（数据库、文件夹、接口）拉取数据，载入已发布资源的记录库；每次运行都经过数据质量规则、隔离区与审计。",
                    "Scheduled pulls from departments' own systems (databases, folders, APIs) into published resources' record stores; every run goes through the quality rules, the quarantine and the audit trail."
                ),
                mayCreate ? .p(.link(SiteURL.newConnector.path, s.t("新建连接器", "New connector"), .cls("button primary"), .testid("new-connector"))) : .empty),
            .section(
                .cls("card"),
                items.isEmpty
                    ? SharingWeb.empty(s, "connectors-empty", "还没有连接器。", "No connectors yet.")
                    : .dataTable(
                        [
                            s.t("连接器", "Connector"), s.t("资源", "Resource"), s.t("数据源", "Source"), s.t("计划", "Schedule"), s.t("状态", "State"),
                            s.t("上次运行", "Last run") + zone, s.t("下次运行", "Next run") + zone
                        ], rows, testid: "connectors"))
        ]
        return Layout.render(req, title: s.t("前置交换连接器", "Connectors"), path: SiteURL.connectors.path, banners: banners, content)
    }
}
