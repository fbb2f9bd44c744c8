import Fluent
import Foundation
import Plot
import Vapor
import DataBankCore

/// The saved-chart pages: `/charts` (list), the builder (`/charts/new`, `/charts/:id/edit`: pick a
/// resource, a grouping, a measure, filters, a type; a server-drawn preview refreshed on each change
/// by `/app.js` from `/charts/preview.svg`, or by the form's "preview" button without script; save
/// with post/redirect/get), `/charts/:id` (the chart, read as the viewer, and its files).
enum ChartPages {
    static func register(on app: Application) {
        let web = app.grouped(WebMiddleware())
        web.get("charts", use: list).gate(.signedIn)
        web.get("charts", "new", use: newForm).gate(.action(.manageCharts))
        web.post("charts", "new", use: create).gate(.action(.manageCharts))
        web.get("charts", "preview.svg", use: preview).gate(.action(.manageCharts))
        web.get("charts", ":id", use: show).gate(.signedIn)
        web.get("charts", ":id", "edit", use: editForm).gate(.action(.manageCharts))
        web.post("charts", ":id", "edit", use: edit).gate(.action(.manageCharts))
        web.post("charts", ":id", "delete", use: delete).gate(.action(.manageCharts))
    }

    static func list(req: Request) async throws -> Response {
        let s = req.strings
        let rows = try await SavedCharts.visible(req)
        let table: Body =
            rows.isEmpty
            ? .p(.cls("muted"), .esc(s.t("还没有图表。", "No charts yet.")))
            : .dataTable(
                [s.t("图表", "Chart"), s.t("资源", "Resource"), s.t("类型", "Type"), s.t("部门", "Department"), s.t("可见范围", "Visibility")],
                rows.map { r in
                    [
                        .link(SiteURL.chart(r.id!).path, r.title, .testid("chart-link")), .el("code", .esc(r.resourceCode)),
                        .esc(ChartRenderer.typeName(r.type, ChartLanguage(page: s.lang))), .el("code", .esc(r.departmentCode)),
                        .esc(s.t(r.chartVisibility.zh, r.chartVisibility.en))
                    ]
                }, testid: "charts")
        let actions: Body =
            req.can(.manageCharts, department: req.user?.departmentCode)
            ? .p(
                .link(SiteURL.newChart.path, s.t("做图表", "Make a chart"), .cls("button"), .testid("new-chart")), .text(" "),
                .link(SiteURL.dashboards.path, s.t("看板", "Dashboards"), .cls("button secondary")))
            : .empty
        return Layout.render(
            req, title: s.t("图表", "Charts"), path: SiteURL.charts.path,
            [
                Layout.heading(s.t("图表", "Charts"), sub: s.t("保存的图表；数据总按查看者的权限读取。", "Saved charts; their data is always read as the viewer may."), actions),
                .section(.cls("card"), table)
            ])
    }

    static func show(req: Request) async throws -> Response {
        let s = req.strings
        let row = try await SavedCharts.find(req.parameters.get("id"), req)
        let id = try row.requireID()
        let figure: Body
        do {
            let answer = try await ChartReading.answer(row, req, as: .request)
            figure = ChartView.figure(answer.data, ChartReading.spec(row, req, width: 880, height: 440), testid: "chart-figure")
        } catch let e as AppError where e.status.code < 500 {
            figure = .p(.cls("tile-denied"), .testid("tile-denied"), .esc(Layout.localized(e, s)))
        }
        var files: [Body] = [
            .link(SiteURL.apiChartFile(id, .svg).path, "SVG"), .text(" · "), .link(SiteURL.apiChartFile(id, .png).path, "PNG"), .text(" · "),
            .link(SiteURL.apiChartFile(id, .csv).path, "CSV"), .text(" · "), .link(SiteURL.apiChartFile(id, .data).path, "JSON")
        ]
        if row.chartVisibility == .public {
            files += [.text(" · "), .link(SiteURL.embedChart(id).path, s.t("嵌入页", "Embed page"), .testid("embed-link"))]
        }
        let actions: Body =
            req.can(.manageCharts, department: row.departmentCode)
            ? .group([
                .link(SiteURL.editChart(id).path, s.t("编辑", "Edit"), .cls("button secondary"), .testid("edit-chart")),
                .postForm(
                    SiteURL.deleteChart(id).path, csrf: req.csrfToken, [.cls("inline"), .submit(s.t("删除", "Delete"), .cls("danger"), .testid("delete-chart"))])
            ]) : .empty
        return Layout.render(
            req, title: row.title, path: SiteURL.chart(id).path,
            [
                .p(
                    .cls("crumbs"), .link(SiteURL.charts.path, s.t("图表", "Charts")), .text(" › "),
                    .link(SiteURL.resource(row.resourceCode).path, row.resourceCode)),
                Layout.heading(row.title, sub: row.description.isEmpty ? nil : row.description, actions),
                .section(.cls("card"), figure),
                .section(
                    .cls("card"),
                    .fields([
                        (s.t("资源", "Resource"), .link(SiteURL.resource(row.resourceCode).path, row.resourceCode)),
                        (s.t("统计参数", "Aggregate"), .el("code", .esc(row.query))),
                        (s.t("部门", "Department"), .el("code", .esc(row.departmentCode))),
                        (s.t("可见范围", "Visibility"), .esc(s.t(row.chartVisibility.zh, row.chartVisibility.en))),
                        (s.t("下载", "Files"), .group(files))
                    ]))
            ])
    }

    // MARK: The builder

    static func newForm(req: Request) async throws -> Response {
        try req.authorize(.manageCharts, department: req.user?.departmentCode)
        return try await builder(req, row: nil, form: FormData(query: req), error: nil, preview: nil)
    }

    static func editForm(req: Request) async throws -> Response {
        let row = try await SavedCharts.find(req.parameters.get("id"), req)
        try SavedCharts.authorizeEdit(row, req)
        return try await builder(req, row: row, form: FormData(query: req), error: nil, preview: nil)
    }

    /// The builder's fields as the API's input.
    static func input(_ form: FormData) -> SavedCharts.Input {
        var group = form["group"] ?? ""
        if !group.isEmpty, let bucket = form["bucket"], !bucket.isEmpty { group += ":" + bucket }
        if let second = form["group2"], !second.isEmpty { group += (group.isEmpty ? "" : ",") + second }
        let fn = form["fn"] ?? "count"
        let measures = fn == "count" || fn.isEmpty ? "count" : "\(fn)(\(form["item"] ?? ""))"
        var filters: [String: String] = [:]
        for line in form.raw("filters").split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, !parts[0].isEmpty { filters[parts[0]] = parts[1] }
        }
        return SavedCharts.Input(
            resource: form["resource"] ?? "", type: form["type"] ?? "bar", source: form["source"], group: group, measures: measures,
            sort: form["sort"], top: form.int("top"), filters: filters, title: form["title"] ?? "", description: form.raw("description"),
            colours: (form["colours"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init), unit: form["unit"],
            refreshSeconds: form.int("refreshSeconds") ?? 0, visibility: form["visibility"], department: nil)
    }

    /// The builder form's values for a saved chart (its query taken apart again).
    static func formValues(_ row: ChartRow) -> [String: String] {
        let q = row.chartQuery
        let groups = q.group.split(separator: ",").map(String.init)
        let first = groups.first?.split(separator: ":").map(String.init) ?? []
        let measure = q.measures.split(separator: ",").first.map(String.init) ?? "count"
        var fn = "count", item = ""
        if let open = measure.firstIndex(of: "("), measure.hasSuffix(")") {
            fn = String(measure[..<open])
            item = String(measure[measure.index(after: open)..<measure.index(before: measure.endIndex)])
        }
        return [
            "resource": row.resourceCode, "type": row.chartType, "source": row.source, "group": first.first ?? "",
            "bucket": first.count > 1 ? first[1] : "", "group2": groups.count > 1 ? groups[1] : "", "fn": fn, "item": item, "sort": q.sort,
            "top": q.top.map(String.init) ?? "", "filters": q.filters.map { "\($0.name)=\($0.value)" }.joined(separator: "\n"), "title": row.title,
            "description": row.description, "unit": row.unit, "colours": row.colours, "refreshSeconds": String(row.refreshSeconds),
            "visibility": row.visibility
        ]
    }

    static func create(req: Request) async throws -> Response {
        try await submit(req, row: nil)
    }

    static func edit(req: Request) async throws -> Response {
        let row = try await SavedCharts.find(req.parameters.get("id"), req)
        try SavedCharts.authorizeEdit(row, req)
        return try await submit(req, row: row)
    }

    /// "Preview" re-draws the form with the chart; "Save" stores it and redirects to it (PRG);
    /// a refusal re-shows the form with its messages.
    static func submit(_ req: Request, row: ChartRow?) async throws -> Response {
        let form = FormData(body: req)
        var input = input(form)
        if form["action"] == "preview" {
            if input.title.isEmpty { input.title = req.strings.t("预览", "Preview") }
            switch try await formAction({ try await SavedCharts.check(input, req, existing: row) }) {
            case .success(let (_, answer)): return try await builder(req, row: row, form: form, error: nil, preview: answer)
            case .failure(let e): return try await builder(req, row: row, form: form, error: e, preview: nil, status: e.status)
            }
        }
        let saved = try await formAction { () -> ChartRow in
            if let row { return try await SavedCharts.update(row, input, req) }
            return try await SavedCharts.create(input, req)
        }
        switch saved {
        case .success(let chart): return Layout.seeOther(SiteURL.chart(try chart.requireID()).path)
        case .failure(let e): return try await builder(req, row: row, form: form, error: e, preview: nil, status: e.status)
        }
    }

    /// `GET /charts/preview.svg?<the builder's fields>`: the chart drawn as the maker would save it.
    static func preview(req: Request) async throws -> Response {
        let form = FormData(query: req)
        var input = input(form)
        if input.title.isEmpty { input.title = req.strings.t("预览", "Preview") }
        let (c, answer) = try await SavedCharts.check(input, req)
        let spec = ChartSpec(
            type: c.type, title: c.settings.title, description: c.settings.description, colours: c.settings.colours, width: 640, height: 360,
            language: ChartLanguage(page: req.language), idPrefix: "preview")
        let svg = ChartRenderer.svg(answer.data, spec, baseMap: FoshanMap.baseMap)
        return Response(status: .ok, headers: ["Content-Type": "image/svg+xml; charset=utf-8", "Cache-Control": "no-store"], body: .init(string: svg))
    }

    /// Published resources with a record store that the user can see, for the resource picker.
    static func resources(_ req: Request) async throws -> [ResourceRow] {
        let codes = try await RecordStoreRow.query(on: req.db).all().map(\.resourceCode)
        let rows = try await ResourceRow.query(on: req.db).filter(\.$code ~~ codes).sort(\.$name).all()
        return rows.filter { CatalogService.canSee($0, actor: req.actor) }
    }

    static func builder(
        _ req: Request, row: ChartRow?, form: FormData, error: AppError?, preview: ChartReading.Answer?, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let s = req.strings
        let f = OpenForm(req, error)
        let saved = row.map(formValues) ?? [:]
        func value(_ key: String, _ fallback: String = "") -> String { form.pairs.first { $0.0 == key }?.1 ?? saved[key] ?? fallback }
        let code = value("resource")
        let resources = try await resources(req)
        let layout = code.isEmpty ? nil : try? await RecordStores.find(code, on: req.db).recordLayout
        let columns = layout?.columns ?? []
        let itemOptions = [("", s.t("（无）", "(none)"))] + columns.map { ($0.name, "\($0.itemName) · \($0.name)") }
        let numeric =
            [("", s.t("（选择数值项）", "(a numeric item)"))]
            + columns.filter { AggregateRequest.numericTypes.contains($0.type) }.map { ($0.name, "\($0.itemName) · \($0.name)") }
        let functions: [(String, String)] = [
            ("count", s.t("记录数", "Count")), ("count_distinct", s.t("去重计数", "Distinct count")), ("sum", s.t("合计", "Sum")),
            ("avg", s.t("平均", "Average")), ("min", s.t("最小", "Minimum")), ("max", s.t("最大", "Maximum")), ("median", s.t("中位数", "Median")),
            ("p90", s.t("第 90 百分位", "90th percentile"))
        ]
        let buckets: [(String, String)] =
            [("", s.t("（不分段）", "(none)"))] + AggregateBucket.allCases.map { ($0.rawValue, s.t("按" + $0.zh, "by " + $0.rawValue)) }
        let types = ChartType.allCases.map { ($0.rawValue, ChartRenderer.typeName($0, ChartLanguage(page: s.lang))) }
        let action = row.map { SiteURL.editChart($0.id!).path } ?? SiteURL.newChart.path
        func select(_ key: String, _ label: String, _ options: [(String, String)], _ fallback: String = "", hint: String? = nil) -> Body {
            f.field(key, label, .select(key, options, selected: value(key, fallback), .testid("input-\(key)")), hint: hint)
        }
        let picker: Body = f.field(
            "resource", s.t("资源", "Resource"),
            .group([
                .input([
                    .v("type", "text"), .v("name", "resource"), .v("id", Forms.id("resource")), .v("value", code), .v("list", "chart-resources"),
                    .on("required"), .v("autocomplete", "off"), .v("data-testid", "input-resource"), .v("data-chart-resource", "1")
                ]),
                .el(
                    "datalist", .attr("id", "chart-resources"),
                    .group(resources.map { r in Body.el("option", .attr("value", r.code), .esc(r.name)) }))
            ]),
            hint: s.t("输入资源名称或代码（可搜索）；换资源后点“预览”载入其数据项。", "Type a resource's name or code (searchable); after changing it, press Preview to load its items."))
        let fields: [Body] = [
            picker,
            columns.isEmpty
                ? .p(.cls("hint"), .esc(s.t("选好资源后，这里列出它的数据项。", "Once a resource is picked, its items are listed here.")))
                : .group([
                    .div(
                        .cls("form-row"),
                        select("group", s.t("分组数据项", "Group by"), itemOptions),
                        select("bucket", s.t("日期分段", "Date bucket"), buckets, hint: s.t("仅用于日期或日期时间项", "Date and date-time items only")),
                        select("group2", s.t("第二分组（可选）", "Second grouping (optional)"), itemOptions)),
                    .div(
                        .cls("form-row"),
                        select("fn", s.t("统计量", "Measure"), functions, "count"),
                        select(
                            "item", s.t("统计数据项", "Measured item"),
                            numeric + columns.filter { !AggregateRequest.numericTypes.contains($0.type) }.map { ($0.name, "\($0.itemName) · \($0.name)") },
                            hint: s.t("合计、平均等须为数值项", "Sum, average and the like need a numeric item"))),
                    f.textarea(
                        "filters", s.t("筛选（每行一个：数据项=值，如 region_code=440604）", "Filters (one per line: item=value, e.g. region_code=440604)"),
                        value: value("filters")),
                    .div(
                        .cls("form-row"),
                        f.input("sort", s.t("排序（如 -count）", "Sort (e.g. -count)"), value: value("sort"), required: false),
                        f.input("top", s.t("前 N 组（其余合并为“其他”）", "Top N (the rest as “other”)"), type: "number", value: value("top"), required: false))
                ]),
            .div(
                .cls("form-row"),
                select("type", s.t("图表类型", "Chart type"), types, "bar"),
                select(
                    "source", s.t("数据来源", "Source"), [("aggregate", s.t("统计", "Aggregate")), ("latest", s.t("实时位置（数据流）", "Live positions (streams)"))],
                    "aggregate")),
            f.input("title", s.t("标题", "Title"), value: value("title")),
            f.textarea("description", s.t("说明", "Description"), value: value("description")),
            .div(
                .cls("form-row"),
                f.input("unit", s.t("单位", "Unit"), value: value("unit"), required: false),
                f.input("colours", s.t("颜色（#rrggbb，逗号分隔）", "Colours (#rrggbb, comma-separated)"), value: value("colours"), required: false),
                f.input(
                    "refreshSeconds", s.t("刷新间隔（秒，0 为不刷新）", "Refresh (seconds, 0: never)"), type: "number", value: value("refreshSeconds", "0"), required: false
                )),
            select("visibility", s.t("可见范围", "Visibility"), ChartVisibility.allCases.map { ($0.rawValue, s.t($0.zh, $0.en)) }, "department"),
            .div(
                .cls("actions"),
                .el(
                    "button", .attr("type", "submit"), .attr("name", "action"), .attr("value", "preview"), .cls("secondary"), .testid("chart-preview-button"),
                    .esc(s.t("预览", "Preview"))),
                .el(
                    "button", .attr("type", "submit"), .attr("name", "action"), .attr("value", "save"), .cls("primary"), .testid("chart-save"),
                    .esc(s.t("保存图表", "Save chart"))))
        ]
        let previewBody: Body =
            preview.map { answer in
                ChartView.figure(
                    answer.data,
                    ChartSpec(
                        type: ChartType(rawValue: value("type", "bar")) ?? .bar, title: value("title"), width: 640, height: 360,
                        language: ChartLanguage(page: s.lang), idPrefix: "preview"))
            } ?? .p(.cls("muted"), .esc(s.t("修改左侧设置即可看到预览。", "Change the settings to see a preview.")))
        let title = row == nil ? s.t("做图表", "Make a chart") : s.t("编辑图表", "Edit chart")
        return Layout.render(
            req, title: title, status: status, path: action, banners: f.banner(),
            [
                Layout.heading(
                    title,
                    sub: s.t(
                        "按你的权限读取数据：其他部门经授权只看到统计结果，小于阈值的分组被隐藏。",
                        "Data is read as you may: other departments see statistics under their grant, with small groups hidden.")),
                .div(
                    .cls("chart-builder"),
                    .section(
                        .cls("card"),
                        .postForm(action, csrf: req.csrfToken, [.testid("chart-form"), .attr("data-chart-builder", SiteURL.chartPreview.path)] + fields)),
                    .section(
                        .cls("card chart-preview"), .h2(.esc(s.t("预览", "Preview"))),
                        .div(.attr("id", "chart-preview"), .testid("chart-preview"), .attr("aria-live", "polite"), previewBody)))
            ])
    }

    static func delete(req: Request) async throws -> Response {
        let row = try await SavedCharts.find(req.parameters.get("id"), req)
        try await SavedCharts.delete(row, req)
        return Layout.seeOther(SiteURL.charts.path)
    }
}
