import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /connectors/:code`: a connector's settings, its state, and its run history (rows read,
/// inserted, updated, refused — linked to the loads whose refused rows wait in the quarantine —,
/// duration, watermark before and after, outcome and error). Those who may manage it run it now,
/// pause or resume it, edit or delete it (`POST …/run|pause|resume|delete`, through the API's handlers).
enum ConnectorPage {
    static func show(req: Request) async throws -> Response {
        let s = req.strings
        let banner: [Body] =
            switch FormData(query: req)["done"] {
            case "created": [Layout.okBanner(s.t("连接器已创建。", "The connector was created."))]
            case "saved": [Layout.okBanner(s.t("已保存。", "Saved."))]
            case "paused": [Layout.okBanner(s.t("已暂停：到恢复之前不再按计划运行。", "Paused: it does not run on its schedule until resumed."))]
            case "resumed": [Layout.okBanner(s.t("已恢复，并将立即运行一次。", "Resumed; it runs once right away."))]
            default: []
            }
        // After "Run now" (post/redirect/get): that run's outcome on top.
        var ran: ConnectorRunRow?
        if let id = FormData(query: req)["ran"].flatMap(UUID.init(uuidString:)) { ran = try await ConnectorRunRow.find(id, on: req.db) }
        return try await render(req, banners: banner, ran: ran)
    }

    static func run(req: Request) async throws -> Response {
        do {
            let run = try await ConnectorsAPI.runNow(req: req)
            return Layout.seeOther(SiteURL.connector(run.connectorCode).with([("ran", run.id?.uuidString ?? "")]))
        } catch let e as AppError where e.code == "connector_running" {
            return try await render(req, banners: [Layout.errorBanner(e, req.strings)], status: .conflict)
        }
    }

    static func pause(req: Request) async throws -> Response { try await setStatus(req, "paused") }
    static func resume(req: Request) async throws -> Response { try await setStatus(req, "active") }

    private static func setStatus(_ req: Request, _ status: String) async throws -> Response {
        try req.content.encode(ConnectorBody(status: status), as: .json)
        let info = try await ConnectorsAPI.update(req: req)
        return Layout.seeOther(SiteURL.connector(info.code).with([("done", status == "paused" ? "paused" : "resumed")]))
    }

    static func delete(req: Request) async throws -> Response {
        let s = req.strings
        guard FormData(body: req).checked("confirm") else {
            let e = AppError.field(
                .unprocessableEntity, "confirm_required", "confirm", zh: "请勾选确认后再删除", en: "Tick the confirmation to delete")
            return try await render(req, banners: [Layout.errorBanner(e, s)], status: .unprocessableEntity)
        }
        do {
            _ = try await ConnectorsAPI.remove(req: req)
        } catch let e as AppError where e.code == "connector_running" {
            return try await render(req, banners: [Layout.errorBanner(e, s)], status: .conflict)
        }
        return Layout.seeOther(SiteURL.connectors.with([("done", "deleted")]))
    }

    static let historyRows = 50

    static func render(_ req: Request, banners: [Body], status: HTTPResponseStatus = .ok, ran: ConnectorRunRow? = nil) async throws -> Response {
        let s = req.strings
        let row = try await ConnectorsAPI.find(req, .readConnectors)
        let now = req.application.settings.now()
        let c = try ConnectorInfo(row, now: now)
        let id = try row.requireID()
        let runs = try await ConnectorRunRow.query(on: req.db).filter(\.$connectorID == id).sort(\.$startedAt, .descending)
            .limit(historyRows).all()
        let total = try await ConnectorRunRow.query(on: req.db).filter(\.$connectorID == id).count()
        let names = try await SharingWeb.resourceNames([c.resource], req: req)
        let manage = req.can(.manageConnectors, department: c.department)
        let quarantine = try await quarantineLinks(runs, resource: c.resource, req: req)
        var top = banners
        if let ran, ran.connectorID == id {
            top.append(
                .banner(
                    ran.status == "succeeded" ? "ok" : "error",
                    .p(
                        .esc(
                            ran.status == "succeeded"
                                ? s.t(
                                    "运行完成：读取 \(ran.rowsRead) 行，新增 \(ran.inserted)，更新 \(ran.updated)，拒绝 \(ran.refused)。",
                                    "The run finished: \(ran.rowsRead) rows read, \(ran.inserted) inserted, \(ran.updated) updated, \(ran.refused) refused.")
                                : s.t("运行失败：", "The run failed: ") + (ran.error ?? ""))),
                    testid: "run-result"))
        }
        let zone = s.t("（北京时间）", " (China Standard Time)")
        let settings: [(String, Body)] =
            [
                (
                    s.t("状态", "State"),
                    .group([
                        ConnectorWeb.stateBadge(c, s),
                        c.failures > 0 ? .span(.cls("muted"), .esc(" " + s.t("连续失败 \(c.failures) 次", "\(c.failures) failures in a row"))) : .empty
                    ])
                ),
                (s.t("资源", "Resource"), SharingWeb.resource(c.resource, names)),
                (
                    s.t("数据源", "Source"),
                    .group([.esc(ConnectorWeb.kindLabel(c.source.kind, s)), .br(), .el("code", .esc(ConnectorWeb.sourceSummary(c.source)))])
                )
            ]
            // Only the sources that sign in take a secret (a relay signs as this node; files have none).
            + (["postgres", "http"].contains(c.source.kind)
                ? [(s.t("密码或令牌", "Password or token"), .esc(c.secretSet ? s.t("已设置（不显示）", "Set (never shown)") : s.t("未设置", "Not set")))]
                : [])
            + [
                (
                    s.t("映射", "Mapping"),
                    .el("code", .esc(c.mapping.isEmpty ? s.t("按表头", "by the header") : c.mapping.map { "\($0.source)→\($0.item)" }.joined(separator: ", ")))
                ),
                (s.t("计划", "Schedule"), ConnectorWeb.schedule(c.schedule, s)),
                (s.t("模式", "Mode"), .esc(ConnectorWeb.modeLabel(c.mode, s) + (c.watermarkColumn.map { s.t("，水位列 ", ", watermark column ") + $0 } ?? ""))),
                (s.t("当前水位", "Watermark"), .el("code", .testid("connector-watermark"), .esc(c.watermark ?? "—"))),
                (s.t("下次运行", "Next run"), .esc(c.status == "paused" ? s.t("已暂停", "Paused") : s.dateTime(c.nextRunAt))),
                (s.t("上次运行", "Last run"), .esc(s.dateTime(c.lastRunAt))),
                (s.t("连续失败几次后暂停", "Pauses after"), .esc(s.t("\(c.maxFailures) 次", "\(c.maxFailures) failures"))),
                (s.t("负责人", "Owner"), .esc(c.owner))
            ] + (c.lastError.map { [(s.t("最近的错误", "Last error"), Body.p(.cls("field-error"), .esc($0)))] } ?? [])

        var actions: [Body] = []
        if manage {
            actions = [
                .postForm(
                    SiteURL.connector(c.code, .run).path, csrf: req.csrfToken,
                    [.cls("inline"), .submit(s.t("立即运行", "Run now"), .cls("primary"), .testid("run-connector"))]),
                c.status == "paused"
                    ? .postForm(
                        SiteURL.connector(c.code, .resume).path, csrf: req.csrfToken,
                        [.cls("inline"), .submit(s.t("恢复", "Resume"), .testid("resume-connector"))])
                    : .postForm(
                        SiteURL.connector(c.code, .pause).path, csrf: req.csrfToken,
                        [.cls("inline"), .submit(s.t("暂停", "Pause"), .testid("pause-connector"))]),
                .link(SiteURL.connector(c.code, .edit).path, s.t("修改或测试", "Edit or test"), .cls("button"), .testid("edit-connector"))
            ]
        }
        let history: [[Body]] = runs.map { run in
            let refused: Body =
                run.refused > 0
                ? .group(
                    [.esc("\(run.refused) ")]
                        + (quarantine[run.id ?? UUID()] ?? []).map { load in
                            Body.link(SiteURL.resource(c.resource, .load(load)).path, s.t("隔离区", "quarantine"), .testid("run-quarantine"))
                        })
                : .esc("0")
            return [
                .esc(DisplayTime.plain(run.startedAt)), .esc(ConnectorWeb.triggerLabel(run.trigger, s)), ConnectorWeb.runBadge(run.status, s),
                .esc(String(run.rowsRead)), .esc(String(run.inserted)), .esc(String(run.updated)), refused,
                .esc(run.status == "running" ? "…" : ConnectorWeb.duration(run.seconds)),
                .el("code", .esc((run.watermarkBefore ?? "—") + " → " + (run.status == "running" ? "…" : (run.watermarkAfter ?? "—")))),
                run.error.map { Body.span(.cls("run-error"), .esc($0)) } ?? .empty
            ]
        }
        let deleteBox: Body =
            manage
            ? .section(
                .cls("card"), .testid("delete-connector-card"),
                .el(
                    "details",
                    .el("summary", .esc(s.t("删除连接器…", "Delete the connector…"))),
                    .postForm(
                        SiteURL.connector(c.code, .delete).path, csrf: req.csrfToken,
                        [
                            .p(
                                .esc(s.t("删除连接器及其运行历史；已载入的记录保留在资源中。", "Deletes the connector and its run history; the records it loaded stay in the resource."))
                            ),
                            .el(
                                "label", .cls("check"),
                                .input([.v("type", "checkbox"), .v("name", "confirm"), .v("value", "1"), .on("required"), .v("data-testid", "delete-confirm")]),
                                .esc(" " + s.t("我确认删除 \(c.code)", "I confirm deleting \(c.code)"))),
                            .p(.submit(s.t("删除", "Delete"), .cls("danger"), .testid("delete-connector")))
                        ])))
            : .empty
        let content: [Body] = [
            .div(
                .cls("page-head"),
                .p(.cls("crumbs"), .link(SiteURL.connectors.path, s.t("前置交换连接器", "Connectors")), .text(" › "), .esc(c.code)),
                .h1(.testid("page-title"), .esc(c.name)),
                actions.isEmpty ? .empty : .div(.cls("actions-row connector-actions"), .group(actions))),
            .section(.cls("card"), .h2(.esc(s.t("设置", "Settings"))), .fields(settings, testid: "connector-settings")),
            .section(
                .cls("card"), .testid("run-history"),
                .h2(.esc(s.t("运行历史", "Run history"))),
                .p(
                    .cls("hint"),
                    .esc(
                        total > runs.count
                            ? s.t("共 \(total) 次运行，显示最近 \(runs.count) 次。", "\(total) runs; the latest \(runs.count) shown.")
                            : s.t("共 \(total) 次运行。", total == 1 ? "1 run." : "\(total) runs."))),
                runs.isEmpty
                    ? SharingWeb.empty(s, "runs-empty", "尚未运行。", "Not run yet.")
                    : .dataTable(
                        [
                            s.t("开始", "Started") + zone, s.t("触发", "Trigger"), s.t("结果", "Outcome"), s.t("读取", "Read"), s.t("新增", "Inserted"),
                            s.t("更新", "Updated"), s.t("拒绝", "Refused"), s.t("耗时", "Duration"), s.t("水位 前 → 后", "Watermark before → after"),
                            s.t("错误", "Error")
                        ], history, testid: "runs", cls: "data compact run-table")),
            deleteBox
        ]
        return Layout.render(req, title: c.name, status: status, path: SiteURL.connector(c.code).path, banners: top, content)
    }

    /// The loads a run made that refused rows, by run: their pages list the rows waiting in the quarantine.
    /// A run keeps no load id; its loads are the resource's loads that started within the run.
    static func quarantineLinks(_ runs: [ConnectorRunRow], resource: String, req: Request) async throws -> [UUID: [UUID]] {
        let refusing = runs.filter { $0.refused > 0 }
        guard let earliest = refusing.map(\.startedAt).min() else { return [:] }
        let loads = try await LoadRow.query(on: req.db).filter(\.$resourceCode == resource).filter(\.$startedAt >= earliest)
            .filter(\.$rejected > 0).all()
        var out: [UUID: [UUID]] = [:]
        for run in refusing {
            let end = run.finishedAt ?? .distantFuture
            out[run.id ?? UUID()] = loads.filter { $0.startedAt >= run.startedAt && $0.startedAt <= end }.compactMap(\.id)
        }
        return out
    }
}
