import Plot
import Vapor
import DataBankCore

/// `GET /reviews`: the reviewers' queue, resources submitted and in public notice.
enum ReviewsPage {
    static func show(req: Request) async throws -> Response {
        try req.authorize(.readReviewQueue)
        let s = req.strings
        let names = try await Directory.departmentNames(on: req.db, language: s.lang)
        let search = CatalogSearch(sql: req.sql, actor: req.actor)
        let submitted = try await search.run(
            ResourceQuery(status: LifecycleState.submitted.rawValue, limit: ResourceQuery.maxLimit, sort: "-updated"),
            departmentNames: names, language: s.lang)
        let notice = try await search.run(
            ResourceQuery(status: LifecycleState.notice.rawValue, limit: ResourceQuery.maxLimit, sort: "-updated"),
            departmentNames: names, language: s.lang)
        func table(_ page: SearchPage, _ id: String) -> Body {
            guard !page.items.isEmpty else { return .p(.cls("empty"), .testid("\(id)-empty"), .esc(s.t("暂无。", "Nothing here."))) }
            return .dataTable(
                [
                    s.t("资源代码", "Code"), s.t("名称", "Name"), s.t("提供方", "Provider"), s.t("信息项", "Items"),
                    s.t("共享", "Sharing"), s.t("状态", "State")
                ],
                page.items.map { r in
                    [
                        .span(.cls("code"), .esc(r.code)),
                        .link(SiteURL.resource(r.code).path, s.isEnglish ? (r.nameEn ?? r.name) : r.name, .testid("review-item")),
                        .esc(r.departmentName ?? r.departmentCode),
                        .esc(String(r.itemCount)),
                        CatalogSearchPage.sharingBadge(r.sharingType, s),
                        CatalogSearchPage.statusBadge(r.status, s)
                    ]
                }, testid: id)
        }
        let content: [Body] = [
            Layout.heading(
                s.t("审核", "Reviews"),
                sub: s.t(
                    "待审核的资源可审核通过进入公示或退回；公示期满后发布。",
                    "Approve submitted resources into public notice or return them; publish once the notice has run.")),
            .section(.cls("card"), .h2(.esc(s.t("待审核（\(submitted.total)）", "Submitted (\(submitted.total))"))), table(submitted, "queue-submitted")),
            .section(.cls("card"), .h2(.esc(s.t("公示中（\(notice.total)）", "In public notice (\(notice.total))"))), table(notice, "queue-notice"))
        ]
        return Layout.render(req, title: s.t("审核", "Reviews"), content)
    }
}
