import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /quality`: every department's quality (the leaders' view), and `GET /departments/:code/quality`:
/// one department's resources with their latest scores. Both export as CSV.
enum QualityOverviewPages {
    static func overview(req: Request) async throws -> Response {
        let s = req.strings
        _ = try req.requireUser()
        let all = try await DepartmentQualityRollup.all(on: req.db)
        let rows: [[Body]] = all.map { d in
            [.link(SiteURL.departmentQuality(d.department).path, d.name), .text("\(d.checked)/\(d.resources)")]
                + QualityScores.Dimension.allCases.map { dim in .text(d.scores[dim.rawValue].map { String(format: "%.1f", $0) } ?? "—") }
                + [.el("strong", .text(d.overall.map { String(format: "%.1f", $0) } ?? "—")), .text(String(d.late))]
        }
        let headers =
            [s.t("部门", "Department"), s.t("已检查/资源", "Checked/resources")]
            + QualityScores.Dimension.allCases.map { s.t($0.zh, $0.en) } + [s.t("综合", "Overall"), s.t("逾期", "Late")]
        return Layout.render(
            req, title: s.t("数据质量", "Data quality"), path: SiteURL.quality.path, banners: [],
            [
                .div(
                    .cls("page-head"), .h1(.testid("page-title"), .esc(s.t("各部门数据质量", "Data quality by department"))),
                    .p(.cls("actions"), .link("/api/v1/quality/departments?format=csv", s.t("导出 CSV", "Export CSV")))),
                .section(
                    .cls("card"),
                    rows.isEmpty
                        ? .p(.cls("muted"), .esc(s.t("尚无检查。", "No checks yet.")))
                        : .dataTable(headers, rows, testid: "departments-quality", cls: "data compact"))
            ])
    }

    static func department(req: Request) async throws -> Response {
        let s = req.strings
        _ = try req.requireUser()
        let code = try req.parameters.require("code")
        guard let d = try await DepartmentQualityRollup.one(code, actor: req.actor, on: req.db) else { throw AppError.notFound("Department \(code)") }
        let rows: [[Body]] = (d.items ?? []).map { r in
            [.link(SiteURL.resource(r.code, .quality).path, r.name), .el("code", .esc(r.code))]
                + QualityScores.Dimension.allCases.map { dim in .text(r.scores.map { String(format: "%.1f", $0.score(dim)) } ?? "—") }
                + [
                    .el("strong", .text(r.overall.map { String(format: "%.1f", $0) } ?? "—")),
                    r.scores?.late == true ? .badge(s.t("逾期", "Late"), "warn") : .empty
                ]
        }
        let headers = [s.t("资源", "Resource"), s.t("代码", "Code")] + QualityScores.Dimension.allCases.map { s.t($0.zh, $0.en) } + [s.t("综合", "Overall"), ""]
        return Layout.render(
            req, title: s.t("数据质量", "Data quality") + " " + d.name, path: SiteURL.departmentQuality(code).path, banners: [],
            [
                .div(
                    .cls("page-head"),
                    .p(.cls("crumbs"), .link(SiteURL.quality.path, s.t("数据质量", "Data quality")), .text(" › "), .link(SiteURL.department(code).path, d.name)),
                    .h1(.testid("page-title"), .esc(s.t("\(d.name)的数据质量", "Data quality: \(d.name)")))),
                .section(
                    .cls("card"), .testid("department-score"),
                    .p(
                        .esc(s.t("综合得分", "Overall")), .text(" "), .el("strong", .testid("overall"), .text(d.overall.map { String(format: "%.1f", $0) } ?? "—")),
                        .text(" · "),
                        .esc(s.t("已检查 \(d.checked)/\(d.resources) 个资源，逾期 \(d.late) 个", "\(d.checked) of \(d.resources) resources checked, \(d.late) late")))),
                .section(.cls("card"), .dataTable(headers, rows, testid: "resources-quality", cls: "data compact"))
            ])
    }
}
