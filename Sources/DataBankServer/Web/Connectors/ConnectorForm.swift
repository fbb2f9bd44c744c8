import Plot
import Vapor
import DataBankCore

/// The connector form's values as text: from a saved connector (edit), from a post (shown again with
/// its messages), or empty (new). Inputs are named as the API's error fields (`source.path`,
/// `schedule` …), so every message lands at its field.
struct ConnectorForm {
    var code = ""
    var name = ""
    var resource = ""
    var kind = "sqlite"
    var source: [String: String] = [:]
    var tls = false
    var clearSecret = false
    var secretSet = false
    var mapping = ""
    var schedule = "every 15 minutes"
    var mode = "incremental"
    var watermarkColumn = ""
    var maxFailures = "5"

    /// The source's text fields, by their input name without `source.`.
    static let sourceFields = [
        "path", "table", "query", "host", "port", "database", "user", "format", "encoding", "sheet", "url", "records", "auth",
        "watermarkParam", "paging.style", "paging.offsetParam", "paging.limitParam", "paging.pageSize", "paging.cursorPath", "paging.cursorParam",
        "node", "resource", "pageSize"
    ]

    /// The fields each kind reads; the others are not sent (the form keeps every kind's inputs).
    static let fieldsByKind: [String: Set<String>] = [
        "sqlite": ["path", "table", "query"],
        "postgres": ["host", "port", "database", "user", "table", "query"],
        "folder": ["path", "format", "encoding", "sheet"],
        "http": [
            "url", "format", "records", "auth", "user", "watermarkParam", "paging.style", "paging.offsetParam", "paging.limitParam",
            "paging.pageSize", "paging.cursorPath", "paging.cursorParam"
        ],
        "databank": ["node", "resource", "pageSize"]
    ]

    init() {}

    init(_ info: ConnectorInfo) {
        code = info.code; name = info.name; resource = info.resource; kind = info.source.kind
        let src = info.source
        source = [
            "path": src.path ?? "", "table": src.table ?? "", "query": src.query ?? "", "host": src.host ?? "",
            "port": src.port.map(String.init) ?? "", "database": src.database ?? "", "user": src.user ?? "",
            "format": src.format ?? "", "encoding": src.encoding ?? "", "sheet": src.sheet ?? "", "url": src.url ?? "",
            "records": src.records ?? "", "auth": src.auth ?? "", "watermarkParam": src.watermarkParam ?? "",
            "paging.style": src.paging?.style ?? "", "paging.offsetParam": src.paging?.offsetParam ?? "",
            "paging.limitParam": src.paging?.limitParam ?? "", "paging.pageSize": src.paging?.pageSize.map(String.init) ?? "",
            "paging.cursorPath": src.paging?.cursorPath ?? "", "paging.cursorParam": src.paging?.cursorParam ?? "",
            "node": src.node ?? "", "resource": src.resource ?? "", "pageSize": src.pageSize.map(String.init) ?? ""
        ]
        tls = src.tls ?? false; secretSet = info.secretSet
        mapping = info.mapping.map { "\($0.source) = \($0.item)" }.joined(separator: "\n")
        schedule = info.schedule; mode = info.mode; watermarkColumn = info.watermarkColumn ?? ""; maxFailures = String(info.maxFailures)
    }

    init(posted form: FormData, secretSet: Bool = false) {
        code = form["code"] ?? ""; name = form["name"] ?? ""; resource = form["resource"] ?? ""; kind = form["source.kind"] ?? "sqlite"
        for field in Self.sourceFields { source[field] = field == "query" ? form.raw("source.query") : (form["source." + field] ?? "") }
        source["password"] = form.raw("source.password")
        tls = form.checked("source.tls"); clearSecret = form.checked("clearSecret"); self.secretSet = secretSet
        mapping = form.raw("mapping"); schedule = form["schedule"] ?? ""; mode = form["mode"] ?? "replace"
        watermarkColumn = form["watermarkColumn"] ?? ""; maxFailures = form["maxFailures"] ?? ""
    }

    /// The API body these values make; problems of the text itself (a port that is no number, a
    /// mapping line without `=`) are collected in `problems`. `layout`: the store's, for an emptied
    /// mapping on a change (every item from the column of its name).
    func body(isNew: Bool, layout: RecordLayout?, problems: inout FieldErrors) -> ConnectorBody {
        let relevant = Self.fieldsByKind[kind] ?? []
        func text(_ field: String) -> String? {
            guard relevant.contains(field) else { return nil }
            let v = source[field]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            return isNew && v.isEmpty ? nil : v
        }
        var port: Int?
        if let p = text("port"), !p.isEmpty {
            port = Int(p)
            if port == nil { problems.add("source.port", "invalid_port", "端口应为 1–65535 的整数", "source.port must be a whole number from 1 to 65535") }
        }
        var failures: Int?
        if !maxFailures.isEmpty {
            failures = Int(maxFailures)
            if failures == nil { problems.add("maxFailures", "out_of_range", "连续失败暂停次数应为 1–100 的整数", "maxFailures must be a whole number from 1 to 100") }
        }
        var pageSize: Int?
        if let t = text("pageSize"), !t.isEmpty {
            pageSize = Int(t)
            if pageSize == nil {
                problems.add("source.pageSize", "out_of_range", "每页变更数应为 1–10000 的整数", "source.pageSize must be a whole number from 1 to 10,000")
            }
        }
        var paging: HTTPPaging?
        if kind == "http" {
            let style = text("paging.style").flatMap { $0.isEmpty ? nil : $0 } ?? "none"
            var size: Int?
            if let t = text("paging.pageSize"), !t.isEmpty {
                size = Int(t)
                if size == nil {
                    problems.add("source.paging.pageSize", "out_of_range", "每页行数应为 1–100000 的整数", "paging.pageSize must be a whole number from 1 to 100000")
                }
            }
            func param(_ f: String) -> String? { text(f).flatMap { $0.isEmpty ? nil : $0 } }
            paging = HTTPPaging(
                style: style, offsetParam: param("paging.offsetParam"), limitParam: param("paging.limitParam"), pageSize: size,
                cursorPath: param("paging.cursorPath"), cursorParam: param("paging.cursorParam"))
        }
        let password = source["password"] ?? ""
        let withSecret = ConnectorSource.withSecret.contains(kind)
        let src = ConnectorBody.SourceBody(
            kind: kind, path: text("path"), table: text("table"), query: text("query"), host: text("host"), port: port,
            database: text("database"), user: text("user"), password: !withSecret ? nil : clearSecret ? "" : (password.isEmpty ? nil : password),
            tls: kind == "postgres" ? tls : nil, format: text("format"), encoding: text("encoding"), sheet: text("sheet"), url: text("url"),
            records: text("records"), paging: paging, auth: text("auth"), watermarkParam: text("watermarkParam"), node: text("node"),
            resource: text("resource"), pageSize: pageSize)
        var pairs: [ConnectorMapping.Pair] = []
        for (i, line) in mapping.split(whereSeparator: \.isNewline).enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard let eq = t.firstIndex(of: "=") else {
                problems.add(
                    "mapping", "invalid_mapping", "映射第 \(i + 1) 行应写成“源列 = 数据项”", "Mapping line \(i + 1) should read “source column = item”")
                continue
            }
            pairs.append(.init(source: t[..<eq].trimmingCharacters(in: .whitespaces), item: t[t.index(after: eq)...].trimmingCharacters(in: .whitespaces)))
        }
        let mapped: [ConnectorMapping.Pair]?
        if !pairs.isEmpty {
            mapped = pairs
        } else if isNew {
            mapped = nil
        } else {
            mapped = kind == "folder" ? [] : layout.map { ConnectorMapping.identity($0).pairs }
        }
        return ConnectorBody(
            code: isNew ? code : nil, name: name, resource: isNew ? resource : nil, source: src, mapping: mapped, schedule: schedule,
            mode: mode, watermarkColumn: watermarkColumn, status: nil, maxFailures: failures)
    }
}

/// Renders the form: the connector's identity, its source (each kind's fields in a fieldset of its
/// own — CSS shows the chosen kind's only, and without CSS all are there with their kind named),
/// mapping, schedule and mode; "Test connection" and "Save" submit it.
struct ConnectorFormView {
    let s: Strings
    let errors: FieldErrors
    let values: ConnectorForm
    let isNew: Bool
    let resources: [(String, String)]
    /// `databank` sources: the registered peer nodes (code, name), and the department's active grants there.
    var peers: [(String, String)] = []
    var remoteGrants: [RemoteGrantChoice] = []

    var f: SharingFormView { SharingFormView(s: s, errors: errors) }

    /// Every error on top, each with its field's label as the form shows it.
    func summary(_ error: AppError?) -> Body {
        guard let error else { return .empty }
        if errors.isEmpty { return Layout.errorBanner(error, s) }
        return .banner(
            "error",
            .p(.strong(.esc(s.t("未能保存：有 \(errors.all.count) 处需要修改。", "Not saved: \(errors.all.count) problem(s) to fix.")))),
            .ul(.group(errors.all.map { e in Node<HTML.ListContext>.li(.esc("\(Self.label(e.field, s))：\(s.message(e))")) })),
            testid: "error-summary")
    }

    /// The label of an error's field (`mapping[2].item` is the mapping's).
    static func label(_ field: String, _ s: Strings) -> String {
        let key = Forms.errorKey(field)
        let names: [String: (String, String)] = [
            "code": ("代码", "Code"), "name": ("名称", "Name"), "resource": ("载入的资源", "Resource"), "source.kind": ("数据源类型", "Source kind"),
            "source.path": ("路径", "Path"), "source.table": ("表", "Table"), "source.query": ("只读查询", "Query"), "source.host": ("主机", "Host"),
            "source.port": ("端口", "Port"), "source.database": ("数据库", "Database"), "source.user": ("用户名", "User"),
            "source.password": ("密码或令牌", "Password or token"), "source.format": ("格式", "Format"), "source.encoding": ("编码", "Encoding"),
            "source.sheet": ("工作表", "Sheet"), "source.url": ("接口地址", "API address"), "source.records": ("记录数组的位置", "Records path"),
            "source.auth": ("认证", "Authentication"), "source.watermarkParam": ("水位参数名", "Watermark parameter"),
            "source.paging.style": ("分页", "Paging"), "source.paging.pageSize": ("每页行数", "Page size"),
            "source.paging.cursorPath": ("下一页游标的位置", "Next cursor path"), "source.paging.offsetParam": ("偏移量参数名", "Offset parameter"),
            "source.paging.limitParam": ("每页行数参数名", "Page size parameter"), "source.paging.cursorParam": ("游标参数名", "Cursor parameter"),
            "mapping": ("映射", "Mapping"), "schedule": ("计划", "Schedule"), "mode": ("模式", "Mode"), "watermarkColumn": ("水位列", "Watermark column"),
            "maxFailures": ("连续失败几次后暂停", "Pause after failures"), "status": ("状态", "State"),
            "source.node": ("对端节点", "Node"), "source.resource": ("资源在对端的代码", "Resource code there"),
            "source.pageSize": ("每页变更数", "Changes per page"), "source.department": ("申请部门", "Department")
        ]
        return names[key].map { s.t($0.0, $0.1) } ?? field
    }

    /// The `databank` kind's fields: the peer node, the resource's code there (with the department's
    /// approved applications at other nodes listed to choose from), the changes asked per page.
    func relayFields() -> Body {
        let v = values
        let known = peers.contains { $0.0 == v.source["node"] } || (v.source["node"] ?? "").isEmpty
        let nodes =
            [("", s.t("请选择…", "Choose…"))] + peers.map { ($0.0, s.t("\($0.1)（\($0.0)）", "\($0.1) (\($0.0))")) }
            + (known ? [] : [(v.source["node"] ?? "", v.source["node"] ?? "")])
        let granted: Body =
            remoteGrants.isEmpty
            ? .p(
                .cls("hint wide"), .testid("relay-no-grants"),
                .esc(
                    s.t(
                        "本部门在其他节点还没有有效授权：先在目录中找到下级节点的资源并申请，获批后再建转接。",
                        "Your department holds no active grant at another node yet: find the resource in the catalog (from nodes below), apply, and relay once approved."
                    )))
            : .div(
                .cls("hint wide"), .testid("relay-grants"),
                .p(.esc(s.t("本部门在其他节点的有效授权：", "Your department's active grants at other nodes:"))),
                .ul(
                    .group(
                        remoteGrants.map { g in
                            Node<HTML.ListContext>.li(
                                .esc("\(g.nodeName) · "), .span(.cls("code"), .esc(g.resource)), .esc(g.resourceName.map { " \($0)" } ?? ""),
                                .esc(g.until.map { s.t("（至 \($0)）", " (until \($0))") } ?? ""))
                        })))
        return .div(
            .cls("grid src-fields src-databank"),
            f.field(
                "source.node", s.t("对端节点（转接）", "Node (relay)"), .select("source.node", nodes, selected: v.source["node"] ?? "", .testid("input-source.node")),
                hint: s.t("资源所在的节点：须由数据管理机构登记", "The node that owns the resource: registered by the data authority")),
            f.text(
                "source.resource", s.t("资源在对端的代码", "Resource code there"), value: v.source["resource"] ?? "",
                hint: s.t("须有本部门在该节点的有效授权", "Your department must hold an active grant for it there"), placeholder: "102003-00001"),
            f.text(
                "source.pageSize", s.t("每页变更数", "Changes per page"), value: v.source["pageSize"] ?? "", type: "number",
                hint: s.t("1–10000，留空为 10000", "1 to 10,000; empty: 10,000"), placeholder: "10000"),
            granted)
    }

    func render(action: String, csrf: String) -> Body {
        let v = values
        let kinds = ConnectorSource.kinds.map { ($0, ConnectorWeb.kindLabel($0, s)) }
        var identity: [Body] = []
        if isNew {
            identity.append(
                f.text(
                    "code", s.t("代码", "Code"), value: v.code, hint: s.t("2–40 个小写字母、数字、- 或 _", "2–40 lower-case letters, digits, - or _"),
                    placeholder: "scj-approvals", required: true))
        }
        identity.append(f.text("name", s.t("名称", "Name"), value: v.name, required: true))
        if isNew {
            identity.append(
                f.field(
                    "resource", s.t("载入的资源", "Resource to load"),
                    .select("resource", [("", s.t("请选择…", "Choose…"))] + resources, selected: v.resource, .testid("input-resource")),
                    hint: s.t("已发布且有记录库的资源；连接器属于其提供部门。", "A published resource with a record store; the connector belongs to its provider.")))
        }
        let secretHint =
            v.secretSet
            ? s.t("已设置 — 留空则保留原密码", "Set — leave empty to keep it")
            : s.t("只写：保存后不再显示", "Write-only: never shown again once saved")
        let source: Body = .el(
            "fieldset", .cls("connector-source"), .testid("source-fields"),
            .el("legend", .esc(s.t("数据源", "Source"))),
            .div(.cls("grid"), f.field("source.kind", s.t("类型", "Kind"), .select("source.kind", kinds, selected: v.kind, .testid("input-source.kind")))),
            .div(
                .cls("grid src-fields src-http"),
                f.text(
                    "source.url", s.t("接口地址（HTTP 接口）", "API address (HTTP API)"), value: v.source["url"] ?? "",
                    placeholder: "https://api.example.gov.cn/v1/licences", wide: true),
                f.text(
                    "source.records", s.t("记录数组的位置（JSON）", "Where the records are (JSON)"), value: v.source["records"] ?? "",
                    hint: s.t("JSON 指针或点路径，如 /data/items；留空：应答本身是数组", "A JSON pointer or dotted path, e.g. /data/items; empty: the answer is the array"),
                    placeholder: "/data/items"),
                f.field(
                    "source.paging.style", s.t("分页", "Paging"),
                    .select(
                        "source.paging.style",
                        [
                            ("none", s.t("不分页", "None")), ("offset", s.t("偏移量（offset/limit）", "Offset (offset/limit)")),
                            ("cursor", s.t("游标", "Cursor")), ("link", s.t("Link 头（rel=next）", "Link header (rel=next)"))
                        ], selected: v.source["paging.style"] ?? "none")),
                f.text(
                    "source.paging.pageSize", s.t("每页行数（偏移量分页）", "Page size (offset paging)"), value: v.source["paging.pageSize"] ?? "", type: "number",
                    placeholder: "1000"),
                f.text("source.paging.offsetParam", s.t("偏移量参数名", "Offset parameter"), value: v.source["paging.offsetParam"] ?? "", placeholder: "offset"),
                f.text("source.paging.limitParam", s.t("每页行数参数名", "Page size parameter"), value: v.source["paging.limitParam"] ?? "", placeholder: "limit"),
                f.text(
                    "source.paging.cursorPath", s.t("下一页游标的位置（游标分页）", "Where the next cursor is (cursor paging)"),
                    value: v.source["paging.cursorPath"] ?? "", placeholder: "/next_cursor"),
                f.text("source.paging.cursorParam", s.t("游标参数名", "Cursor parameter"), value: v.source["paging.cursorParam"] ?? "", placeholder: "cursor"),
                f.field(
                    "source.auth", s.t("认证", "Authentication"),
                    .select(
                        "source.auth",
                        [("none", s.t("无", "None")), ("bearer", s.t("Bearer 令牌", "Bearer token")), ("basic", s.t("Basic（用户名+密码）", "Basic (user + password)"))],
                        selected: v.source["auth"] ?? "none")),
                f.text(
                    "source.watermarkParam", s.t("水位参数名（增量）", "Watermark parameter (incremental)"), value: v.source["watermarkParam"] ?? "",
                    hint: s.t("上次的水位以此查询参数发给接口，如 since", "The last watermark is sent in this query parameter, e.g. since"),
                    placeholder: "since")),
            relayFields(),
            .div(
                .cls("grid src-fields src-file"),
                f.text(
                    "source.path", s.t("路径（SQLite 文件或文件夹）", "Path (SQLite file or folder)"), value: v.source["path"] ?? "",
                    hint: s.t("相对于本部门在连接器根目录下的文件夹", "Relative to the department's folder under the connector root"),
                    placeholder: "scj/approvals.sqlite")),
            .div(
                .cls("grid src-fields src-db"),
                f.text("source.host", s.t("主机（PostgreSQL）", "Host (PostgreSQL)"), value: v.source["host"] ?? "", placeholder: "10.0.0.5"),
                f.text("source.port", s.t("端口", "Port"), value: v.source["port"] ?? "", type: "number", placeholder: "5432"),
                f.text("source.database", s.t("数据库", "Database"), value: v.source["database"] ?? ""),
                .el(
                    "label", .cls("check"),
                    .input([.v("type", "checkbox"), .v("name", "source.tls"), .v("value", "1"), .on("checked", v.tls), .v("data-testid", "input-source.tls")]),
                    .esc(" " + s.t("使用 TLS", "Use TLS")))),
            .div(
                .cls("grid src-fields src-cred"),
                f.text("source.user", s.t("用户名", "User"), value: v.source["user"] ?? ""),
                f.field(
                    "source.password", s.t("密码或令牌", "Password or token"),
                    .input([
                        .v("type", "password"), .v("name", "source.password"), .v("id", Forms.id("source.password")), .v("value", ""),
                        .v("autocomplete", "new-password"), .v("data-testid", "input-source.password"),
                        .on("aria-invalid", f.invalid("source.password"))
                    ]),
                    hint: secretHint),
                v.secretSet
                    ? .el(
                        "label", .cls("check"),
                        .input([
                            .v("type", "checkbox"), .v("name", "clearSecret"), .v("value", "1"), .on("checked", v.clearSecret),
                            .v("data-testid", "clear-secret")
                        ]),
                        .esc(" " + s.t("删除已保存的密码或令牌", "Remove the stored password or token")))
                    : .empty),
            .div(
                .cls("grid src-fields src-table"),
                f.text("source.table", s.t("表", "Table"), value: v.source["table"] ?? "", hint: s.t("或在下方填写只读查询", "or give a read-only query below")),
                f.field(
                    "source.query", s.t("只读查询（SELECT / WITH）", "Read-only query (SELECT / WITH)"),
                    .textarea("source.query", v.source["query"] ?? "", rows: 3, .testid("input-source.query")), wide: true)),
            .div(
                .cls("grid src-fields src-format"),
                f.field(
                    "source.format", s.t("格式（文件夹或接口）", "Format (folder or API)"),
                    .select(
                        "source.format", [("", s.t("自动（文件扩展名；接口为 JSON）", "Auto (file extension; JSON for an API)"))] + FolderSource.formats.map { ($0, $0) },
                        selected: v.source["format"] ?? ""))),
            .div(
                .cls("grid src-fields src-folder"),
                f.field(
                    "source.encoding", s.t("编码", "Encoding"),
                    .select(
                        "source.encoding", [("", s.t("自动识别", "Detect")), ("utf-8", "UTF-8"), ("gb18030", "GB18030")],
                        selected: v.source["encoding"] ?? "")),
                f.text("source.sheet", s.t("工作表（XLSX）", "Sheet (XLSX)"), value: v.source["sheet"] ?? "")))
        let settings: Body = .el(
            "fieldset",
            .el("legend", .esc(s.t("映射与计划", "Mapping and schedule"))),
            .div(
                .cls("grid"),
                f.field(
                    "mapping", s.t("映射（每行：源列 = 数据项）", "Mapping (one per line: source column = item)"),
                    .textarea("mapping", v.mapping, rows: 4, .testid("input-mapping")),
                    hint: s.t(
                        "留空：每个数据项取同名的源列（文件夹：按表头的列名或中文数据项名）。",
                        "Empty: every item from the source column of its name (a folder: by the header's column or item names)."),
                    wide: true),
                f.text(
                    "schedule", s.t("计划", "Schedule"), value: v.schedule,
                    hint: s.t(
                        "every N minutes，或 5 段 cron（分 时 日 月 周，北京时间），如 30 2 * * *",
                        "every N minutes, or 5-field cron (minute hour day month weekday, China Standard Time), e.g. 30 2 * * *"),
                    required: true),
                f.field(
                    "mode", s.t("模式", "Mode"),
                    .select(
                        "mode", [("incremental", ConnectorWeb.modeLabel("incremental", s)), ("replace", ConnectorWeb.modeLabel("replace", s))], selected: v.mode
                    )),
                f.text(
                    "watermarkColumn", s.t("水位列（增量）", "Watermark column (incremental)"), value: v.watermarkColumn,
                    hint: s.t(
                        "单调递增的列，如 id 或修改时间；文件夹和转接不用（转接以对端的变更游标为水位）",
                        "A column that only grows (an id, a modification time); not for folders or relays (a relay's watermark is the feed's cursor)")),
                f.text("maxFailures", s.t("连续失败几次后暂停", "Pause after failures in a row"), value: v.maxFailures, type: "number")))
        return .postForm(
            action, csrf: csrf,
            [
                .cls("sharing-form connector-form"), .attr("novalidate", ""), .testid("connector-form"),
                .div(.cls("grid"), .group(identity)),
                source, settings,
                .div(
                    .cls("form-actions"),
                    .element(
                        named: "button",
                        nodes: [
                            .attr("type", "submit"), .attr("name", "action"), .attr("value", "save"), .cls("primary"), .testid("save-connector"),
                            .esc(s.t("保存", "Save"))
                        ]),
                    .element(
                        named: "button",
                        nodes: [
                            .attr("type", "submit"), .attr("name", "action"), .attr("value", "test"), .testid("test-connector"),
                            .esc(s.t("测试连接", "Test connection"))
                        ]))
            ])
    }
}
