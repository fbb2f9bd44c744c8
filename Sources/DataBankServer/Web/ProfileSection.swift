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
            return .section(.cls("card"), .testid("profile"), .h2(.esc(s.t("字段画像", "Column profile"))),
                            .p(.cls("muted"), .testid("profile-empty"), .esc(s.t("尚未生成画像：载入数据后自动生成，或由提供部门立即全量扫描。",
                                                                             "No profile yet: one is made after a load, or the provider can run a full scan now."))))
        }
        let when = s.dateTime(profile.profiledAt)
        var notes: [Body] = [
            .p(.cls("hint"), .testid("profile-rows"),
               .esc(s.t("记录 \(grouped(profile.rowCount)) 条 · 截至变更序号 \(profile.coveredSeq) · \(when)",
                        "\(grouped(profile.rowCount)) records · up to change \(profile.coveredSeq) · \(when)"))),
        ]
        if !profile.exact {
            notes.append(.p(.cls("hint"), .testid("profile-approximate"), .esc(s.t(
                "自上次全量扫描以来有 \(profile.updatesSinceFullScan) 次更新、\(profile.deletesSinceFullScan) 次删除：字段统计为近似值，全量扫描后恢复精确。",
                "\(profile.updatesSinceFullScan) updates and \(profile.deletesSinceFullScan) deletes since the last full scan: column figures are approximate until the next full scan."))))
        }
        let headers = [s.t("信息项", "Item"), s.t("值 / 空值", "Values / nulls"), s.t("不同值", "Distinct"), s.t("最小 / 最大", "Min / max"),
                       s.t("高频值", "Top values"), s.t("长度分布", "Lengths"), s.t("格式", "Patterns")]
        let rows: [[Body]] = profile.columns.map { c in [
            .group([.el("code", .esc(c.name)), .br(), .span(.cls("muted"), .esc(s.label(c.type)))]),
            .esc("\(grouped(c.count)) / \(grouped(c.nulls)) (\(String(format: "%.1f", c.nullRatio * 100)) %)"),
            .esc((c.distinctExact ? "" : "≈") + grouped(c.distinct)),
            .group([.esc(c.min ?? "—"), .br(), .esc(c.max ?? "—")]),
            valueList(c.topValues, withheld: s.t("（不予显示）", "(withheld)"), approximate: !c.topValuesExact),
            .raw(lengthChart(c.lengths, s)),
            valueList(c.patterns, withheld: "", approximate: !c.patternsExact, code: true),
        ] }
        return .section(.cls("card"), .testid("profile"),
            .h2(.esc(s.t("字段画像", "Column profile"))),
            .group(notes),
            history.count > 1 ? .raw(rowCountChart(history, s)) : .empty,
            .dataTable(headers, rows, testid: "profile-columns", cls: "data compact profile"))
    }

    static func valueList(_ values: [ValueCount], withheld: String, approximate: Bool, code: Bool = false) -> Body {
        if values.isEmpty { return .esc("—") }
        return .el("ol", .cls("profile-values"), .group(values.map { v in
            let text: Body = v.value.map { code ? Body.el("code", .esc($0)) : Body.esc($0) } ?? .span(.cls("muted"), .esc(withheld))
            return Body.el("li", text, .span(.cls("muted"), .esc(" ×\(approximate ? "≥" : "")\(grouped(v.count))")))
        }))
    }

    /// The length histogram as bars, one per non-empty bucket, each with its range and count as a tooltip.
    static func lengthChart(_ buckets: [LengthBucket], _ s: Strings) -> String {
        guard let top = buckets.map(\.count).max(), top > 0 else { return "—" }
        let barWidth = 8.0, gap = 2.0, height = 40.0
        let width = Double(buckets.count) * (barWidth + gap)
        var bars = ""
        for (i, b) in buckets.enumerated() {
            let h = max(1, height * Double(b.count) / Double(top))
            let range = b.to == b.from ? "\(b.from)" : "\(b.from)–\(b.to.map(String.init) ?? "")"
            let label = Escape.text(s.t("长度 \(range)：\(grouped(b.count))", "length \(range): \(grouped(b.count))"))
            bars += String(format: "<rect x=\"%.0f\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\"><title>%@</title></rect>",
                           Double(i) * (barWidth + gap), height - h, barWidth, h, label)
        }
        let first = buckets.first.map { "\($0.from)" } ?? ""
        let last = buckets.last.map { $0.to.map(String.init) ?? "\($0.from)+" } ?? ""
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="length-chart" data-testid="length-chart" width="\(Int(max(width, 24)))" height="\(Int(height) + 12)" \
            viewBox="0 0 \(Int(max(width, 24))) \(Int(height) + 12)" role="img" aria-label="\(Escape.attribute(s.t("长度分布", "Length histogram")))">\
            \(bars)<text x="0" y="\(Int(height) + 11)">\(first)</text><text x="\(Int(max(width, 24)))" y="\(Int(height) + 11)" text-anchor="end">\(Escape.text(last))</text></svg>
            """
    }

    /// The row count at each run, oldest first, as a line.
    static func rowCountChart(_ history: [ProfileAPI.RunEntry], _ s: Strings) -> String {
        let runs = history.reversed().map { $0 }
        let top = Double(max(runs.map(\.rowCount).max() ?? 1, 1))
        let width = 320.0, height = 60.0
        let step = runs.count > 1 ? width / Double(runs.count - 1) : 0
        let points = runs.enumerated().map { i, r in
            String(format: "%.1f,%.1f", Double(i) * step, height - height * Double(r.rowCount) / top)
        }.joined(separator: " ")
        let dots = runs.enumerated().map { i, r in
            String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"><title>%@</title></circle>", Double(i) * step,
                   height - height * Double(r.rowCount) / top, Escape.text("\(s.dateTime(r.finishedAt)) · \(grouped(r.rowCount)) · \(r.kind)"))
        }.joined()
        return """
            <figure class="row-count-chart"><figcaption>\(Escape.text(s.t("记录数变化（每次画像）", "Records over time (each run)")))</figcaption>\
            <svg xmlns="http://www.w3.org/2000/svg" data-testid="row-count-chart" viewBox="-4 -4 \(Int(width) + 8) \(Int(height) + 8)" width="\(Int(width) + 8)" height="\(Int(height) + 8)">\
            <polyline fill="none" points="\(points)"/>\(dots)</svg></figure>
            """
    }

    static func grouped(_ n: Int) -> String { ProgressLine.grouped(n) }
}

extension ProfileSection {
    /// What the reader is shown, in one line: nothing for the provider; the grant's view, the open
    /// portal's, or why there is no profile.
    static func accessHint(_ access: String, _ s: Strings) -> Body {
        switch access {
        case "grant": return .p(.cls("hint"), .testid("profile-access"), .esc(s.t("按您的授权显示：仅含授权的数据项，脱敏项的取值同样脱敏（有行范围的授权只显示计数）。",
                                                        "Shown as your grant provides: its items only, masked items masked here too (a grant with a row scope shows counts only).")))
        case "openPortal": return .p(.cls("hint"), .testid("profile-access"), .esc(s.t("以开放数据形式显示：敏感信息项的取值按默认规则脱敏。",
                                                             "Shown as open data: values of sensitive items are masked by their default rule.")))
        case "none": return .p(.cls("hint"), .testid("profile-access"), .esc(s.t("字段画像只向数据的读者显示：提供部门、持有授权的部门，或开放数据的公众。",
                                                       "Column profiles are shown to readers of the records: the provider, departments holding a grant, or anyone for open data.")))
        default: return .empty
        }
    }
}
