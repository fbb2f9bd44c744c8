import Foundation
import Plot
import Vapor
import DataBankCore

/// A unit's report as a file: XLSX through the core's `XLSXStream` (one sheet: the summary, the three
/// dimensions, then every indicator with its facts and adjustments), and PDF by printing the report's
/// HTML with headless Chromium (`chromium --headless --print-to-pdf`) as a child process with a time
/// limit; without Chromium the answer is 503 `pdf_unavailable`.
enum EvaluationExport {
    static func xlsx(_ r: EvaluationUnitReport, _ s: Strings) throws -> [UInt8] {
        let header = [
            s.t("项目", "Item"), s.t("维度", "Dimension"), s.t("权重", "Weight"), s.t("计算得分", "Computed"), s.t("专家调整", "Adjustment"),
            s.t("得分", "Score"), s.t("公式", "Formula"), s.t("所用事实", "Facts used"), s.t("调整理由", "Reasons")
        ]
        var book = XLSXStream(header: header, kinds: [.text, .text, .number, .number, .number, .number, .text, .text, .text], sheetName: "evaluation")
        func n(_ x: Double) -> String { EvaluationScheme.format(x) }
        var rows: [[String?]] = [
            [s.t("单位", "Unit"), r.name, nil, nil, nil, nil, r.department, nil, nil],
            [s.t("评估期", "Period"), r.run.periodLabel, nil, nil, nil, nil, "\(r.run.from) – \(r.run.to)", r.run.state, nil],
            [s.t("总分", "Total"), r.unitTypeName, "100", nil, nil, n(r.total), nil, nil, nil],
            [s.t("类型内排名", "Rank in type"), nil, nil, nil, nil, String(r.rank), "\(r.rank) / \(r.of)", nil, nil],
            [s.t("年度考核得分", "Assessment points"), nil, n(r.assessmentWeight), nil, nil, String(format: "%.3f", r.assessmentPoints), nil, nil, nil]
        ]
        for d in r.dimensions { rows.append([d.name, d.name, n(d.weight), nil, nil, n(d.score), nil, nil, nil]) }
        for i in r.indicators {
            let facts = i.facts.sorted { $0.key < $1.key }.map { "\($0.key)=\(n($0.value))" }.joined(separator: "; ")
            let reasons = i.adjustments.map { "\($0.points >= 0 ? "+" : "")\(n($0.points)) \($0.reason) (\($0.by))" }.joined(separator: "; ")
            let dimension = EvaluationDimension(rawValue: i.dimension).map { s.t($0.zh, $0.en) } ?? i.dimension
            rows.append([i.name, dimension, n(i.weight), n(i.computed), n(i.adjustment), n(i.score), i.formula, facts, reasons.isEmpty ? nil : reasons])
        }
        var out = try book.start()
        out += try book.rows(rows)
        out += try book.finish()
        return out
    }

    /// Where Chromium is looked for: `DATABANK_CHROMIUM`, else `chromium`, `chromium-browser` or `google-chrome` on `PATH`.
    static func chromium(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let explicit = environment["DATABANK_CHROMIUM"] {
            return !explicit.isEmpty && FileManager.default.isExecutableFile(atPath: explicit) ? explicit : nil
        }
        let dirs = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            if let found = dirs.map({ "\($0)/\(name)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
        }
        return nil
    }

    static func unavailable(_ why: String) -> AppError {
        AppError(.serviceUnavailable, "pdf_unavailable", "PDF export is unavailable: \(why) (install the Debian package chromium, or set DATABANK_CHROMIUM)")
    }

    /// The report as a standalone printable HTML document (styles inline: Chromium reads it from a file).
    static func printable(_ r: EvaluationUnitReport, _ s: Strings) throws -> String {
        let id = r.run.id ?? UUID()
        let css = """
            body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;font-size:11px;color:#111;margin:0}
            h1{font-size:18px}h2{font-size:14px;margin:12px 0 6px}table{border-collapse:collapse;width:100%}
            th,td{border:1px solid #bbb;padding:3px 5px;text-align:left;vertical-align:top}.muted{color:#555}
            .columns{display:flex;gap:12px}.columns>*{flex:1}dl{display:grid;grid-template-columns:auto 1fr;gap:2px 10px}
            dt{font-weight:bold}a{color:#111;text-decoration:none}svg{max-width:100%;height:auto}svg.chart-narrow,.no-print{display:none}
            """
        let title = s.t("\(r.name) · \(r.run.periodLabel)评估报告", "\(r.name) · evaluation \(r.run.period)")
        let doc = HTML(
            .attribute(named: "lang", value: s.isEnglish ? "en" : "zh-CN"),
            .head(.meta(.charset(.utf8)), .element(named: "title", nodes: [.esc(title)]), .element(named: "style", nodes: [.raw(css)])),
            .body(.group([.h1(.esc(title))] + EvaluationUnitPage.body(r, s, run: id))))
        return doc.render()
    }

    static func pdf(_ r: EvaluationUnitReport, _ req: Request, limit: Duration = .seconds(60)) async throws -> Data {
        guard let tool = chromium() else { throw unavailable("chromium was not found") }
        let dir = FileManager.default.temporaryDirectory
        let stem = "databank-evaluation-\(UUID().uuidString)"
        let html = dir.appendingPathComponent(stem + ".html"), pdf = dir.appendingPathComponent(stem + ".pdf")
        defer { try? FileManager.default.removeItem(at: pdf) }
        let arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-pdf-header-footer",
            "--user-data-dir=" + dir.appendingPathComponent(stem + "-profile").path, "--print-to-pdf=" + pdf.path, html.absoluteString
        ]
        let result = try await ChartRaster.run(tool, arguments, input: Data(try printable(r, req.strings).utf8), file: html, limit: limit)
        try? FileManager.default.removeItem(at: dir.appendingPathComponent(stem + "-profile"))
        if result.timedOut { throw unavailable("chromium ran longer than \(limit)") }
        guard let data = try? Data(contentsOf: pdf), data.starts(with: Data("%PDF".utf8)) else {
            throw AppError(.internalServerError, "pdf_failed", "chromium did not print the report: \(result.error.suffix(300))")
        }
        return data
    }
}
