import Plot
import Vapor
import DataBankCore

/// The cockpit's "current evaluation ranking" tile: the newest frozen report of the default scheme
/// (else the open run being evaluated), the first units of each unit type, each linking to its report.
/// No tile at all while nothing has been evaluated.
enum CockpitRankingSection {
    /// Units shown per unit type.
    static let shownPerType = 5

    static func render(_ req: Request) async throws -> Body {
        let s = req.strings
        guard let ranking = try await EvaluationRanking.latest(language: s.lang, on: req.db) else { return .empty }
        let state =
            ranking.state == EvaluationRunState.frozen.rawValue
            ? Body.badge(s.t("已冻结", "Frozen"), "ok") : Body.badge(s.t("评估中", "Open"), "pending")
        // The run's own unit types: a scheme's types are editable, and a unit whose type the shipped
        // scheme lacks must still be shown.
        let byType = Dictionary(grouping: ranking.units, by: \.unitType)
        let tables: [Body] = ranking.unitTypes.compactMap { type in
            guard let units = byType[type.code], !units.isEmpty else { return nil }
            let rows: [[Body]] = units.prefix(shownPerType).map { u in
                [
                    .esc(String(u.rank)),
                    .link(SiteURL.evaluationUnit(ranking.run, u.department).path, u.name, .testid("cockpit-ranked-unit")),
                    .esc(String(format: "%.1f", u.total))
                ]
            }
            return .group([
                .h3(.esc(s.t(type.name, type.nameEn))),
                .dataTable([s.t("名次", "Rank"), s.t("单位", "Unit"), s.t("得分", "Score")], rows, testid: "cockpit-ranking-\(type.code)", cls: "data compact")
            ])
        }
        return .section(
            .cls("card dash-tile cockpit-tile w1"), .testid("cockpit-ranking"),
            .div(
                .cls("cockpit-head"), .h2(.esc(s.t("绩效评估排名", "Evaluation ranking"))),
                .link(ranking.link, s.t("完整排名", "Full ranking"), .cls("cockpit-detail no-print"), .testid("cockpit-detail"))),
            .p(.cls("muted"), .esc(ranking.period), .text(" "), state),
            .group(tables))
    }
}
