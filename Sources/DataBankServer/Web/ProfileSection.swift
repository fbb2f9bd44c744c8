import Foundation
import Plot
import DataBankCore

/// A resource's column profile as a page section: the row count per run (a small SVG chart)
/// and, per column, values and nulls, distinct values, bounds, top values, a length histogram
/// (an inline SVG bar chart) and the most frequent shapes. Pages embed it as it is.
enum ProfileSection {
    static func render(_ profile: ProfileSummary?, history: [ProfileAPI.RunEntry] = [], lang: String) -> Body {
        let s = Strings(lang)
        guard let profile else {
            return .section(
                .cls("card"), .testid("profile"), .h2(.esc(s.t("字段画像", "Column profile"))),
                .p(
                    .cls("muted"), .testid("profile-empty"),
                    .esc(
                        s.t(
                            "尚未生成画像：载入数据后自动生成，或由提供部门立即全量扫描。",
                            "No profile yet: one is made after a load, or the provider can run a full scan now."))))
        }
        let when = s.dateTime(profile.profiledAt)
        var notes: [Body] = [
            .p(
                .cls("hint"), .testid("profile-rows"),
                .esc(
                    s.t(
                        "记录 \(grouped(profile.rowCount)) 条 · 截至变更序号 \(profile.coveredSeq) · \(when)",
                        "\(grouped(profile.rowCount)) records · up to change \(profile.coveredSeq) · \(when)")))
        ]
        if !profile.exact {
            notes.append(
                .p(
                    .cls("hint"), .testid("profile-approximate"),
                    .esc(
                        s.t(
                            "自上次全量扫描以来有 \(profile.updatesSinceFullScan) 次更新、\(profile.deletesSinceFullScan) 次删除：字段统计为近似值，全量扫描后恢复精确。",
                            "\(profile.updatesSinceFullScan) updates and \(profile.deletesSinceFullScan) deletes since the last full scan: column figures are approximate until the next full scan."
                        ))))
        }
        let headers = [
            s.t("信息项", "Item"), s.t("值 / 空值", "Values / nulls"), s.t("不同值", "Distinct"), s.t("最小 / 最大", "Min / max"),
            s.t("高频值", "Top values"), s.t("长度分布", "Lengths"), s.t("格式", "Patterns")
        ]
        let rows: [[Body]] = profile.columns.map { c in
            [
                .group([.el("code", .esc(c.name)), .br(), .span(.cls("muted"), .esc(s.label(c.type)))]),
                .esc("\(grouped(c.count)) / \(grouped(c.nulls)) (\(String(format: "%.1f", c.nullRatio * 100)) %)"),
                .esc((c.distinctExact ? "" : "≈") + grouped(c.distinct)),
                .group([.esc(c.min ?? "—"), .br(), .esc(c.max ?? "—")]),
                valueList(c.topValues, withheld: s.t("（不予显示）", "(withheld)"), approximate: !c.topValuesExact),
                .raw(lengthChart(c.lengths, s)),
                valueList(c.patterns, withheld: "", approximate: !c.patternsExact, code: true)
            ]
        }
        return .section(
            .cls("card"), .testid("profile"),
            .h2(.esc(s.t("字段画像", "Column profile"))),
            .group(notes),
            history.count > 1 ? .raw(rowCountChart(history, s)) : .empty,
            .dataTable(headers, rows, testid: "profile-columns", cls: "data compact profile"))
    }

    static func valueList(_ values: [ValueCount], withheld: String, approximate: Bool, code: Bool = false) -> Body {
        if values.isEmpty { return .esc("—") }
        return .el(
            "ol", .cls("profile-values"),
            .group(
                values.map { v in
                    let text: Body = v.value.map { code ? Body.el("code", .esc($0)) : Body.esc($0) } ?? .span(.cls("muted"), .esc(withheld))
                    return Body.el("li", text, .span(.cls("muted"), .esc(" ×\(approximate ? "≥" : "")\(grouped(v.count))")))
                }))
    }

    /// The length histogram as small bars, one per bucket, each with its range and count as a
    /// tooltip, the first and last range under them (``ChartRenderer``, compact).
    static func lengthChart(_ buckets: [LengthBucket], _ s: Strings) -> String {
        guard let top = buckets.map(\.count).max(), top > 0 else { return "—" }
        let ranges = buckets.map { b in b.to == b.from ? "\(b.from)" : "\(b.from)–\(b.to.map(String.init) ?? "")" }
        let data = ChartData(
            categories: ranges, series: [ChartSeries(name: s.t("值的个数", "Values"), values: buckets.map { .number(Double($0.count)) })],
            categoryLabel: s.t("长度", "Length"), valueLabel: s.t("值的个数", "Values"))
        let spec = ChartSpec(
            type: .bar, title: s.t("长度分布", "Length histogram"), width: max(24, Double(buckets.count) * 10 + 4), height: 56,
            language: ChartLanguage(page: s.lang), compact: true, cssClass: "length-chart", testID: "length-chart")
        return ChartRenderer.svg(data, spec)
    }

    /// The row count at each run, oldest first, as a line.
    static func rowCountChart(_ history: [ProfileAPI.RunEntry], _ s: Strings) -> String {
        let runs = Array(history.reversed())
        let data = ChartData(
            categories: runs.map { "\(s.dateTime($0.finishedAt)) · \($0.kind)" }, dates: runs.map(\.finishedAt), dateUnit: .day,
            series: [ChartSeries(name: s.t("记录数", "Records"), values: runs.map { .number(Double($0.rowCount)) })],
            categoryLabel: s.t("画像时间", "Profiled"), valueLabel: s.t("记录数", "Records"))
        let spec = ChartSpec(
            type: .line, title: s.t("记录数变化（每次画像）", "Records over time (each run)"), width: 480, height: 160,
            language: ChartLanguage(page: s.lang), showsTitle: false, testID: "row-count-chart")
        return "<figure class=\"row-count-chart\"><figcaption>\(Escape.text(spec.title))</figcaption>"
            + ChartRenderer.svg(data, spec) + "</figure>"
    }

    static func grouped(_ n: Int) -> String { ProgressLine.grouped(n) }
}

extension ProfileSection {
    /// What the reader is shown, in one line: nothing for the provider; the grant's view, the open
    /// portal's, or why there is no profile.
    static func accessHint(_ access: String, _ s: Strings) -> Body {
        switch access {
        case "grant":
            return .p(
                .cls("hint"), .testid("profile-access"),
                .esc(
                    s.t(
                        "按您的授权显示：仅含授权的数据项，脱敏项的取值同样脱敏（有行范围的授权只显示计数）。",
                        "Shown as your grant provides: its items only, masked items masked here too (a grant with a row scope shows counts only).")))
        case "openPortal":
            return .p(
                .cls("hint"), .testid("profile-access"),
                .esc(
                    s.t(
                        "以开放数据形式显示：敏感信息项的取值按默认规则脱敏。",
                        "Shown as open data: values of sensitive items are masked by their default rule.")))
        case "none":
            return .p(
                .cls("hint"), .testid("profile-access"),
                .esc(
                    s.t(
                        "字段画像只向数据的读者显示：提供部门、持有授权的部门，或开放数据的公众。",
                        "Column profiles are shown to readers of the records: the provider, departments holding a grant, or anyone for open data.")))
        default: return .empty
        }
    }
}
