import Foundation
import Plot
import Vapor
import DataBankCore

/// `GET /admin/charts/gallery`: every chart type drawn from ``ChartGallery``'s fixed samples in
/// the page's language, each with its hidden data table and links to its SVG and PNG
/// (`GET /admin/charts/gallery/:name?format=svg|png`). The platform admin only: it is a
/// reviewer's tool, not a user's page.
enum ChartGalleryPage {
    static func show(req: Request) async throws -> Response {
        try req.authorize(.manageDepartments)
        let s = req.strings
        let l = ChartLanguage(page: s.lang)
        let cards: [Body] = ChartGallery.samples(l).map { sample in
            .section(
                .cls("card chart-card"), .testid("gallery-\(sample.name)"),
                ChartView.figure(sample.data, sample.spec),
                .p(
                    .cls("hint"), .el("code", .esc(sample.spec.type.rawValue)), .text(" · "),
                    .link(SiteURL.chartGallerySample(sample.name).with([("format", "svg"), ("lang", s.lang)]), "SVG"), .text(" · "),
                    .link(SiteURL.chartGallerySample(sample.name).with([("format", "png"), ("lang", s.lang)]), "PNG")))
        }
        return Layout.render(
            req, title: s.t("图表样例", "Chart gallery"), path: SiteURL.chartGallery.path,
            [
                Layout.heading(
                    s.t("图表样例", "Chart gallery"),
                    sub: s.t(
                        "服务器端绘制的每种图表（固定样例数据）：含无数据、全部隐藏、中文长标签、负值与地图外的代码。每张图后附供读屏软件读取的数据表。",
                        "Every chart type drawn on the server from fixed sample data, including empty, all-suppressed, long Chinese labels, negative values and codes off the map. Each chart carries a data table for screen readers."
                    )),
                .div(.cls("chart-gallery"), .group(cards))
            ])
    }

    /// One sample as an SVG or PNG file.
    static func sample(req: Request) async throws -> Response {
        try req.authorize(.manageDepartments)
        let name = try req.parameters.require("name")
        let lang: String = (try? req.query.get(String.self, at: "lang")) ?? req.strings.lang
        guard let sample = ChartGallery.samples(ChartLanguage(page: lang)).first(where: { $0.name == name }) else {
            throw AppError.notFound("Chart sample \(name)")
        }
        let svg = ChartRenderer.svg(sample.data, sample.spec, baseMaps: ChartBaseMaps.all)
        let format: String = (try? req.query.get(String.self, at: "format")) ?? "svg"
        switch format {
        case "svg":
            return Response(status: .ok, headers: ["Content-Type": "image/svg+xml; charset=utf-8"], body: .init(string: svg))
        case "png":
            let png = try await ChartRaster.png(svg, scale: 2)
            return Response(status: .ok, headers: ["Content-Type": "image/png"], body: .init(data: png))
        default:
            throw AppError.field(.badRequest, "unknown_format", "format", zh: "格式只能是 svg 或 png", en: "format must be svg or png")
        }
    }

    static func register(on app: Application) {
        let web = app.grouped(WebMiddleware())
        web.get("admin", "charts", "gallery", use: show).gate(.action(.manageDepartments))
        web.get("admin", "charts", "gallery", ":name", use: sample).gate(.action(.manageDepartments))
    }
}
