import Plot
import DataBankCore

/// The one form for a whole ``ResourceSnapshot``, with each error next to its input.
struct ResourceFormView {
    let s: Strings
    let state: ResourceFormState
    let errors: FieldErrors
    let editing: ResourceRow?
    let departments: [(String, String)]
    let standards: [StandardRow]
    let csrf: String

    static let blankRows = 3

    func options<T: CatalogTerm>(_ type: T.Type) -> [(String, String)] { T.allCases.map { ($0.rawValue, s.label($0)) } }

    /// The summary on top: every error, each linking to its input.
    func summary() -> Body {
        .banner(
            "error",
            .p(.strong(.esc(s.t("保存失败：有 \(errors.all.count) 处需要修改。", "Not saved: \(errors.all.count) problem(s) to fix.")))),
            .ul(
                .group(
                    errors.all.map { e in
                        Node<HTML.ListContext>.li(.link("#" + Forms.id(inputName(e.field)), s.field(e.field)), .esc("：" + s.message(e)))
                    })),
            testid: "error-summary")
    }

    /// `items[3].length` → `items[3][length]`; other keys are their own input names.
    func inputName(_ field: String) -> String {
        let key = Forms.errorKey(field)
        guard key.hasPrefix("items["), let dot = key.range(of: "].") else { return key }
        return String(key[..<dot.lowerBound]) + "][" + String(key[dot.upperBound...]) + "]"
    }

    /// Inline messages for one input.
    func inline(_ key: String) -> Body {
        let list = errors.errors(key)
        guard !list.isEmpty else { return .empty }
        return .group(list.map { Body.p(.cls("field-error"), .testid("error-\(key)"), .esc(s.message($0))) })
    }

    func invalid(_ key: String) -> Bool { !errors.errors(key).isEmpty }

    /// A labelled field: label, the input, hint and inline errors.
    func field(_ key: String, _ label: String, _ input: Body, hint: String? = nil, wide: Bool = false) -> Body {
        .div(
            .cls("field" + (invalid(key) ? " invalid" : "") + (wide ? " wide" : "")),
            .el("label", .attr("for", Forms.id(key)), .esc(label)),
            input,
            hint.map { Body.p(.cls("hint"), .esc($0)) } ?? .empty,
            inline(key))
    }

    func text(_ key: String, _ label: String, hint: String? = nil, readonly: Bool = false, placeholder: String = "", wide: Bool = false) -> Body {
        field(
            key, label,
            .input([
                .v("type", "text"), .v("name", key), .v("id", Forms.id(key)), .v("value", state[key]),
                .on("readonly", readonly), .on("aria-invalid", invalid(key)), .v("placeholder", placeholder),
                .v("data-testid", "input-\(key)")
            ]), hint: hint, wide: wide)
    }

    func choice(_ key: String, _ label: String, _ opts: [(String, String)]) -> Body {
        field(key, label, .select(key, opts, selected: state[key], .testid("input-\(key)")))
    }

    func form(action: String) -> Body {
        .postForm(
            action, csrf: csrf,
            [
                .cls("resource-form"), .attr("novalidate", ""), .testid("resource-form"),
                state.version.map { Body.hidden("version", String($0)) } ?? .empty,
                fieldset(
                    s.t("基本信息", "Identity"),
                    [
                        text(
                            "code", s.field("code"), hint: s.t("分类代码-顺序码，如 101001-00023", "classification-sequence, e.g. 101001-00023"),
                            readonly: editing != nil, placeholder: "302001-00001"),
                        text("name", s.field("name")), text("nameEn", s.field("nameEn")),
                        field(
                            "departmentCode", s.field("departmentCode"),
                            .select("departmentCode", departments, selected: state["departmentCode"], .testid("input-departmentCode"))),
                        text("office", s.field("office")),
                        text("classification", s.field("classification"), hint: s.t("留空则取资源代码的分类部分", "Left empty: the code's classification part")),
                        choice("catalogKind", s.field("catalogKind"), options(CatalogKind.self)),
                        choice("format", s.field("format"), options(ResourceFormat.self)),
                        choice("updateCycle", s.field("updateCycle"), options(UpdateCycle.self)),
                        text("publishDate", s.field("publishDate"), placeholder: "YYYY-MM-DD"),
                        field("abstract", s.field("abstract"), .textarea("abstract", state["abstract"], rows: 3, .testid("input-abstract")), wide: true)
                    ]),
                fieldset(
                    s.t("共享属性", "Sharing"),
                    [
                        choice("sharing.type", s.field("sharing.type"), options(SharingType.self)),
                        choice("sharing.method", s.field("sharing.method"), options(SharingMethod.self)),
                        text("sharing.condition", s.field("sharing.condition"), hint: s.t("有条件共享时必填", "Required for conditional sharing"), wide: true),
                        text(
                            "sharing.legalBasis", s.field("sharing.legalBasis"), hint: s.t("有条件共享、不予共享时必填", "Required unless sharing is unconditional"),
                            wide: true)
                    ]),
                fieldset(
                    s.t("开放属性", "Opening"),
                    [
                        choice("open.type", s.field("open.type"), options(OpenType.self)),
                        text("open.condition", s.field("open.condition"), hint: s.t("有条件开放时必填", "Required for conditional opening"), wide: true),
                        field(
                            "classified", s.field("classified"),
                            .el(
                                "span", .cls("check"),
                                .input([
                                    .v("type", "checkbox"), .v("name", "classified"), .v("id", Forms.id("classified")), .v("value", "on"),
                                    .on("checked", state.classified), .v("data-testid", "input-classified")
                                ]),
                                .esc(" " + s.t("涉密资源（不得开放）", "Classified (may not be open)"))))
                    ]),
                fieldset(
                    s.t("主题、标签与关联", "Themes, tags and relations"),
                    [
                        field(
                            "themes", s.field("themes"),
                            .div(
                                .cls("checks"),
                                .group(
                                    Theme.allCases.map { t in
                                        Body.el(
                                            "label", .cls("check"),
                                            .input([
                                                .v("type", "checkbox"), .v("name", "themes"), .v("value", t.rawValue),
                                                .on("checked", state.themes.contains(t.rawValue))
                                            ]),
                                            .esc(" " + s.label(t)))
                                    })), wide: true),
                        text("tags", s.field("tags"), hint: s.t("以逗号分隔", "Comma separated")),
                        text("relatedCodes", s.field("relatedCodes"), hint: s.t("以逗号分隔的资源代码", "Comma separated resource codes")),
                        text("contact", s.field("contact"))
                    ]),
                items(),
                .div(
                    .cls("form-actions"),
                    .submit(s.t("保存", "Save"), .cls("primary"), .testid("save-resource")),
                    .link(editing.map { SiteURL.resource($0.code).path } ?? SiteURL.catalog.path, s.t("取消", "Cancel"), .cls("button")))
            ])
    }

    func fieldset(_ legend: String, _ fields: [Body]) -> Body {
        .el("fieldset", .el("legend", .esc(legend)), .div(.cls("grid"), .group(fields)))
    }

    // MARK: Information items

    func items() -> Body {
        let rows = state.items + Array(repeating: [:], count: max(Self.blankRows, 5 - state.items.count))
        let headers = [
            s.itemField("name"), s.itemField("column"), s.itemField("standardCode"), s.itemField("dataType"),
            s.itemField("length"), s.itemField("primaryKey"), s.itemField("required"), s.itemField("sensitivity")
        ]
        return .el(
            "fieldset", .cls("items"), .el("legend", .esc(s.field("items"))),
            inline("items"),
            .p(
                .cls("hint"),
                .esc(
                    s.t(
                        "每个信息项须关联标准库中的信息项标准；数据类型须与标准一致，长度不得超过标准。整行留空的将被忽略。",
                        "Bind every item to a standard of the library; its data type must match and its length may not exceed the standard's. Empty rows are ignored."
                    ))),
            .div(
                .cls("table-wrap"),
                .table(
                    .cls("data item-rows"), .testid("item-rows"),
                    .thead(.tr(.group(headers.map { Node<HTML.TableRowContext>.th(.esc($0)) }))),
                    .tbody(.attr("id", "item-rows"), .group(rows.enumerated().map { i, row in itemRow(String(i), row, index: i) })))),
            .element(named: "template", nodes: [.attr("id", "item-row-template"), .raw(itemRow("__i__", [:], index: nil).render())]),
            .submit(s.t("＋ 添加信息项", "+ Add an item"), .attr("type", "button"), .cls("add-row"), .attr("data-add-row", "item-rows"), .testid("add-item")),
            datalist())
    }

    func itemRow(_ i: String, _ row: [String: String], index: Int?) -> Node<HTML.TableContext> {
        func key(_ f: String) -> String { "items[\(i)].\(f)" }
        func name(_ f: String) -> String { "items[\(i)][\(f)]" }
        func cell(_ f: String, _ input: Body) -> Node<HTML.TableRowContext> {
            .td(.cls(index != nil && invalid(key(f)) ? "invalid" : ""), input, index == nil ? .empty : inline(key(f)))
        }
        func textInput(_ f: String, _ extra: [Attribute<HTML.InputContext>] = []) -> Body {
            .input(
                [
                    .v("type", "text"), .v("name", name(f)), .v("id", Forms.id(name(f))), .v("value", row[f] ?? ""),
                    .v("aria-label", s.itemField(f)), .v("data-testid", "item-\(i)-\(f)")
                ] + extra)
        }
        func check(_ f: String) -> Body {
            .input([
                .v("type", "checkbox"), .v("name", name(f)), .v("id", Forms.id(name(f))), .v("value", "on"), .on("checked", row[f] == "on"),
                .v("aria-label", s.itemField(f)), .v("data-testid", "item-\(i)-\(f)")
            ])
        }
        let types = [("", "—")] + DataType.allCases.map { ($0.rawValue, "\($0.rawValue) \(s.label($0))") }
        return .tr(
            .cls("item-row"),
            cell("name", textInput("name")),
            cell("column", textInput("column", [.v("placeholder", "column_name")])),
            cell("standardCode", textInput("standardCode", [.v("list", "standard-codes"), .v("data-standard-input", "")])),
            cell("dataType", .select(name("dataType"), types, selected: row["dataType"] ?? "", .testid("item-\(i)-dataType"))),
            cell("length", textInput("length", [.v("inputmode", "numeric"), .v("size", "4")])),
            cell("primaryKey", check("primaryKey")),
            cell("required", check("required")),
            cell(
                "sensitivity",
                .select(
                    name("sensitivity"), Sensitivity.allCases.map { ($0.rawValue, s.label($0)) },
                    selected: row["sensitivity"].flatMap { $0.isEmpty ? nil : $0 } ?? Sensitivity.internal.rawValue,
                    .testid("item-\(i)-sensitivity"))))
    }

    /// Standard codes to pick from; the script fills data type, length and sensitivity from them.
    func datalist() -> Body {
        .element(
            named: "datalist",
            nodes: [.attr("id", "standard-codes")]
                + standards.map { st in
                    Body.element(
                        named: "option",
                        nodes: [
                            .attr("value", st.code), .attr("label", "\(st.code) \(st.name)"),
                            .attr("data-type", st.dataType), .attr("data-length", st.length.map(String.init) ?? ""),
                            .attr("data-sensitivity", st.sensitivity), .esc(st.name)
                        ])
                })
    }
}
