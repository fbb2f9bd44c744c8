import Fluent
import Plot
import Vapor
import DataBankCore

/// `GET /datasets/{code}` and its tabs: the dataset's metadata, items, downloads, quality and
/// related datasets (overview); the first 100 records (preview); the API examples (api).
/// 有条件开放 shows its metadata with a notice to apply, and no preview or download; a code the
/// portal does not show (不予开放, classified, unpublished, unknown) is the portal's 404.
enum OpenDatasetPage {
    static func show(req: Request) async throws -> Response {
        let s = req.strings
        let row = try await dataset(req)
        let snapshot = row.catalogSnapshot
        let open = row.openType == OpenType.unconditional.rawValue
        let names = try await Directory.departmentNames(on: req.db, language: s.lang)
        let store = try await RecordStoreRow.query(on: req.db).filter(\.$resourceCode == row.code).first()
        let masks = try await GrantAccess.defaultMasks(resource: row, on: req.db)
        let uses = try await OpenCounters.of(row.code, on: req.sql)
        let quality = try await OpenCatalog.quality(row.code, on: req.db)
        let related = try await OpenCatalog.related(to: row, on: req.db)
        let labels = try await OpenCatalog.itemLabels(row, language: s.lang, on: req.db)
        try await HeatFacts.countPortalView(row.code, req: req)

        var meta: [(String, Body)] = [
            (s.t("数据集代码", "Code"), .span(.cls("code"), .esc(row.code))),
            (s.t("提供部门", "Provider"), .link(SiteURL.openProvider(row.departmentCode).path, names[row.departmentCode] ?? row.departmentCode)),
            (s.t("开放类型", "Open type"), OpenSearchPage.openBadge(row.openType, s)),
            (s.t("资源格式", "Format"), .esc(s.label(ResourceFormat.self, row.format))),
            (s.t("更新周期", "Update cycle"), .esc(s.label(UpdateCycle.self, row.updateCycle))),
            (
                s.t("主题", "Themes"),
                .group(
                    (snapshot?.themes ?? []).map { Body.link(SiteURL.openDatasets.with([("theme", $0.rawValue)]), s.label($0), .cls("chip")) })
            ),
            (s.t("关键词", "Keywords"), .esc((snapshot?.tags ?? []).joined(separator: s.t("、", ", ")))),
            (s.t("发布日期", "Published"), .esc(snapshot?.publishDate ?? "—")),
            (s.t("最近更新", "Last update"), .esc(s.dateTime(store?.lastLoadAt)))
        ]
        if open { meta.append((s.t("记录数", "Records"), .esc(OpenLayout.figure(store?.rowCount ?? 0)))) }
        meta.append(
            (
                s.t("数据质量", "Data quality"),
                quality.map { q in
                    Body.span(
                        .testid("quality-score"),
                        .esc(
                            s.t(
                                "\(String(format: "%.1f", q.score)) 分（\(s.dateTime(q.at)) 检查）",
                                "\(String(format: "%.1f", q.score)) / 100 (checked \(s.dateTime(q.at)))")))
                } ?? .span(.cls("none"), .testid("quality-score"), .esc(s.t("尚未检查", "Not yet checked")))
            ))
        if let contact = snapshot?.contact, !contact.isEmpty { meta.append((s.t("联系方式", "Contact"), .esc(contact))) }

        let items: [[Body]] = (snapshot?.items ?? []).compactMap { item in
            guard let rule = masks[item.column] else { return nil }  // not published
            return [
                .esc(labels[item.column] ?? item.name), .span(.cls("code"), .esc(item.column)), .esc(s.label(item.dataType)),
                rule == .clear ? .esc(s.t("公开", "Clear")) : .badge(s.t("已脱敏", "Masked"), "masked", testid: "masked-item")
            ]
        }
        let live = open && row.format == ResourceFormat.stream.rawValue
        let content: [Body] = [
            head(row, s, names: names),
            tabs(row.code, current: .overview, s),
            open ? .empty : applyNotice(row, s),
            live
                ? .banner(
                    "info",
                    .p(
                        .esc(s.t("实时数据流：", "A real-time stream: ")),
                        .link(SiteURL.openLive.path, s.t("在地图上查看实时数据 ›", "see it live on the map ›"), .testid("live-link")),
                        .esc(" · "), .code(.esc("GET " + SiteURL.openStreamLatest(row.code).path)), .esc(" · "),
                        .code(.esc("GET " + SiteURL.openStreamEvents(row.code).path))),
                    testid: "live-notice")
                : .empty,
            .div(
                .cls("columns"),
                .section(
                    .cls("card"),
                    .h2(.esc(s.t("简介", "About"))),
                    .p(.testid("abstract"), .esc(snapshot?.abstract ?? "")),
                    .fields(meta, testid: "dataset-meta"),
                    .h2(.esc(s.t("数据项", "Items"))),
                    .dataTable([s.t("名称", "Name"), s.t("字段", "Column"), s.t("类型", "Type"), s.t("开放方式", "Shown")], items, testid: "items")),
                .div(
                    open ? downloads(row.code, s) : .empty,
                    .section(
                        .cls("card"), .testid("dataset-uses"),
                        .h2(.esc(s.t("使用情况", "Use"))),
                        OpenLayout.figures([
                            (uses[.download] ?? 0, s.t("下载", "Downloads"), "dataset-downloads"),
                            (uses[.preview] ?? 0, s.t("预览", "Previews"), "dataset-previews"),
                            (uses[.api] ?? 0, s.t("接口调用", "API calls"), "dataset-api")
                        ]),
                        .p(
                            .link(
                                SiteURL.datasetFeedback(row.code).path, s.t("数据纠错或需求反馈", "Report an error or ask for more data"),
                                .testid("feedback-link")))),
                    .section(
                        .cls("card"), .testid("related"),
                        .h2(.esc(s.t("相关数据集", "Related datasets"))),
                        related.isEmpty
                            ? .p(.cls("none"), .esc(s.t("暂无", "None")))
                            : .ul(
                                .group(
                                    related.map { r in
                                        Node<HTML.ListContext>.li(
                                            .link(SiteURL.openDataset(r.code).path, s.isEnglish ? (r.nameEn ?? r.name) : r.name, .testid("related-dataset")),
                                            .span(.cls("muted"), .esc(" · " + (names[r.departmentCode] ?? r.departmentCode))))
                                    })))
                ))
        ]
        return OpenLayout.render(req, title: title(row, s), content)
    }

    /// `GET /datasets/{code}/preview`: the first 100 records, 20 a page, sortable and filterable on
    /// one item; a bad parameter re-shows the page (400) with its message.
    static func preview(req: Request) async throws -> Response {
        let s = req.strings
        let row = try await dataset(req)
        let names = try await Directory.departmentNames(on: req.db, language: s.lang)
        var body: [Body] = [head(row, s, names: names), tabs(row.code, current: .preview, s)]
        guard row.openType == OpenType.unconditional.rawValue else {
            // Metadata only: no read is attempted (the decision would refuse it), and nothing is counted.
            body.append(applyNotice(row, s))
            return OpenLayout.render(req, title: title(row, s), status: .forbidden, body)
        }
        let preview: OpenPreview
        do {
            preview = try await OpenPreview.prepare(req, code: row.code)
        } catch let e as AppError where e.status == .badRequest {
            // The page again, without the bad parameters, and the message.
            let fallback = try await OpenPreview.prepare(req, code: row.code, form: FormData(""))
            body += try await previewTable(fallback, req: req, s)
            return OpenLayout.render(req, title: title(row, s), status: .badRequest, banners: [Layout.errorBanner(e, s)], body)
        }
        body += try await previewTable(preview, req: req, s)
        return OpenLayout.render(req, title: s.t("数据预览", "Preview") + " · " + title(row, s), body)
    }

    static func previewTable(_ p: OpenPreview, req: Request, _ s: Strings) async throws -> [Body] {
        let data = try await p.cells(on: req)
        let link = QueryLink(SiteURL.openDataset(p.read.resource.code, .preview).path, p.request.pairs)
        let fields = p.query.fields
        let sortable = Set(OpenPreview.sortable(p.read).map(\.name))
        let filterable = OpenPreview.filterable(p.read)
        let items = try await OpenCatalog.itemLabels(p.read.resource, language: s.lang, on: req.db)
        let headers: [Node<HTML.TableRowContext>] = fields.map { c in
            let label = items[c.name] ?? c.name
            guard sortable.contains(c.name) else { return .th(.esc(label)) }
            let ascending = p.request.sort == c.name
            let next = ascending ? "-" + c.name : c.name
            let mark = ascending ? " ▲" : p.request.sort == "-" + c.name ? " ▼" : ""
            return .th(.link(link.setting("sort", next).removing("page").href, label + mark, .testid("sort-\(c.name)"), .attr("title", s.t("排序", "Sort"))))
        }
        let first = (p.request.page - 1) * OpenPreview.pageSize
        let summary =
            data.rows.isEmpty
            ? s.t("没有符合条件的记录。", "No records match.")
            : s.t(
                "第 \(first + 1)–\(first + data.rows.count) 条，共 \(OpenLayout.figure(data.total)) 条（预览前 \(data.shown) 条，完整数据请下载）",
                "Records \(first + 1)–\(first + data.rows.count) of \(OpenLayout.figure(data.total)) (the preview shows the first \(data.shown); download for all)"
            )
        let pages = max(1, (data.shown + OpenPreview.pageSize - 1) / OpenPreview.pageSize)
        return [
            .getForm(
                SiteURL.openDataset(p.read.resource.code, .preview).path,
                [
                    .cls("filter-bar"), .testid("preview-filter"),
                    p.request.sort.map { Body.hidden("sort", $0) } ?? .empty,
                    .element(named: "label", nodes: [.attr("for", Forms.id("column")), .esc(s.t("筛选", "Filter"))]),
                    .select(
                        "column", [("", s.t("选择数据项", "Choose an item"))] + filterable.map { ($0.name, items[$0.name] ?? $0.name) },
                        selected: p.request.column, .testid("preview-column")),
                    .input([
                        .v("type", "text"), .v("name", "value"), .v("value", p.request.value ?? ""), .v("aria-label", s.t("筛选值", "Value")),
                        .v("placeholder", s.t("文字按开头匹配，其他按等于", "Text matches from the start, others exactly")), .v("data-testid", "preview-value")
                    ]),
                    .submit(s.t("筛选", "Filter"), .testid("preview-submit")),
                    p.request.column == nil
                        ? .empty : .link(link.setting("column", nil).setting("value", nil).removing("page").href, s.t("清除筛选", "Clear filter"))
                ]),
            .p(.cls("total"), .testid("preview-summary"), .esc(summary)),
            .div(
                .cls("table-wrap"),
                .table(
                    .cls("data preview"), .testid("preview-table"),
                    .thead(.tr(.group(headers))),
                    .tbody(
                        .group(
                            data.rows.map { cells in
                                Node<HTML.TableContext>.tr(.group(cells.map { Node<HTML.TableRowContext>.td(.esc($0 ?? "")) }))
                            })))),
            pages > 1
                ? .nav(
                    .cls("pager"), .testid("preview-pager"),
                    .group(
                        (1...pages).map { n in
                            n == p.request.page
                                ? .span(.cls("on"), .esc(String(n)))
                                : .link(link.setting("page", n == 1 ? nil : String(n)).href, String(n), .testid("preview-page-\(n)"))
                        }))
                : .empty,
            downloads(p.read.resource.code, s)
        ]
    }

    /// `GET /datasets/{code}/api`: copy-paste examples for curl and Python that run as written.
    static func api(req: Request) async throws -> Response {
        let s = req.strings
        let row = try await dataset(req)
        let names = try await Directory.departmentNames(on: req.db, language: s.lang)
        let examples = OpenAPIExamples(base: baseURL(req), code: row.code)
        var body: [Body] = [head(row, s, names: names), tabs(row.code, current: .api, s)]
        guard row.openType == OpenType.unconditional.rawValue else {
            body.append(applyNotice(row, s))
            return OpenLayout.render(req, title: "API · " + title(row, s), body)
        }
        body += [
            .section(
                .cls("card"), .testid("api-examples"),
                .h2(.esc(s.t("接口说明", "Endpoints"))),
                .ul(
                    .li(
                        .code(.esc("GET " + examples.url("data.csv"))),
                        .esc(s.t(" 全部记录，CSV（加 ?bom=true 供 Excel 打开）", " every record as CSV (add ?bom=true for Excel)"))),
                    .li(.code(.esc("GET " + examples.url("data.json"))), .esc(s.t(" 全部记录，JSON", " every record as JSON"))),
                    .li(.code(.esc("GET " + examples.url("data.ndjson"))), .esc(s.t(" 全部记录，每行一个 JSON 对象", " every record, one JSON object a line"))),
                    .li(.code(.esc("GET " + examples.url("data.xlsx"))), .esc(s.t(" 全部记录，Excel 工作簿", " every record as an Excel workbook"))),
                    .li(
                        .code(.esc("GET " + examples.url("preview?page=1"))),
                        .esc(s.t(" 前 100 条中的一页（20 条），可加 sort、column、value", " a page (20) of the first 100 records; sort=, column=, value= as on the preview")))
                ),
                .p(
                    .cls("hint"),
                    .esc(
                        s.t(
                            "无需注册或密钥；涉及个人信息的数据项按标准脱敏后提供。",
                            "No sign-up or key needed; personal items come masked by their standards."))),
                .h2(.esc("curl")),
                .pre(.code(.testid("example-curl"), .esc(examples.curl))),
                .h2(.esc("Python")),
                .pre(.code(.testid("example-python"), .esc(examples.python))))
        ]
        return OpenLayout.render(req, title: "API · " + title(row, s), body)
    }

    // MARK: Pieces

    /// The dataset the route names, if the portal shows it; the portal's 404 otherwise.
    static func dataset(_ req: Request) async throws -> ResourceRow {
        let code = try req.parameters.require("code")
        guard let row = try await OpenCatalog.dataset(code, on: req.db) else { throw StoreReading.unknown(code) }
        return row
    }

    static func title(_ row: ResourceRow, _ s: Strings) -> String { s.isEnglish ? (row.nameEn ?? row.name) : row.name }

    static func head(_ row: ResourceRow, _ s: Strings, names: [String: String]) -> Body {
        .div(
            .p(
                .cls("crumbs"), .link(SiteURL.home.path, s.t("首页", "Home")), .esc(" › "),
                .link(SiteURL.openDatasets.path, s.t("数据集", "Datasets")), .esc(" › "), .esc(title(row, s))),
            Layout.heading(title(row, s), sub: [s.isEnglish ? row.name : row.nameEn, names[row.departmentCode]].compactMap { $0 }.joined(separator: " · ")))
    }

    static func tabs(_ code: String, current: SiteURL.OpenDatasetPart, _ s: Strings) -> Body {
        let all: [(SiteURL.OpenDatasetPart, String, String)] = [(.overview, "概况", "Overview"), (.preview, "数据预览", "Preview"), (.api, "API", "API")]
        return .nav(
            .cls("tabs"), .testid("dataset-tabs"),
            .group(
                all.map { part, zh, en in
                    Body.link(
                        SiteURL.openDataset(code, part).path, s.t(zh, en), .cls(part == current ? "on" : ""),
                        .testid("tab-\(part == .overview ? "overview" : part.rawValue)"))
                }))
    }

    /// 有条件开放: what the dataset is open for, and the way to apply (registered users).
    static func applyNotice(_ row: ResourceRow, _ s: Strings) -> Body {
        .banner(
            "info",
            .p(.el("strong", .esc(s.t("需申请 · 有条件开放", "Apply to use · conditionally open")))),
            .p(
                .esc(
                    s.t(
                        "该数据集仅在满足开放条件时提供，不提供预览和下载。注册用户可提交使用申请。",
                        "This dataset is provided only on its conditions: there is no preview or download. Registered users can apply to use it."))),
            row.catalogSnapshot?.open.condition.map { Body.p(.esc(s.t("开放条件：", "Condition: ") + $0)) } ?? .empty,
            .p(.link(SiteURL.datasetApply(row.code).path, s.t("申请使用", "Apply to use"), .cls("button"), .testid("apply-link"))),
            testid: "apply-notice")
    }

    static func downloads(_ code: String, _ s: Strings) -> Body {
        .section(
            .cls("card"), .testid("downloads"),
            .h2(.esc(s.t("下载", "Download"))),
            .ul(
                .cls("downloads"),
                .li(.link(SiteURL.openData(code, .csv).with([("bom", "true")]), s.t("CSV（Excel 打开）", "CSV (for Excel)"), .testid("download-csv-excel"))),
                .li(.link(SiteURL.openData(code, .csv).path, s.t("CSV（UTF-8，程序读取）", "CSV (plain UTF-8)"), .testid("download-csv"))),
                .li(.link(SiteURL.openData(code, .xlsx).path, "XLSX", .testid("download-xlsx"))),
                .li(.link(SiteURL.openData(code, .json).path, "JSON", .testid("download-json"))),
                .li(.link(SiteURL.openData(code, .ndjson).path, "NDJSON", .testid("download-ndjson"))),
                .li(
                    .link(
                        "/api/v1/resources/\(Escape.url(code))/datapackage.zip", s.t("数据包（Data Package）", "Data Package"),
                        .testid("download-datapackage")))),
            .p(.cls("hint"), .esc(s.t("免费使用，请注明数据来源。", "Free to use; please name the source.")))
        )
    }

    /// The address the visitor reached the server at, for examples that run as written.
    static func baseURL(_ req: Request) -> String {
        let host = req.headers.first(name: .host) ?? "127.0.0.1:8080"
        let scheme = req.headers.first(name: "X-Forwarded-Proto") == "https" || req.application.settings.secureCookies ? "https" : "http"
        return "\(scheme)://\(host)"
    }
}
