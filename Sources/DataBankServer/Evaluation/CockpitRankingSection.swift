import Plot
import Vapor
import DataBankCore

/// The cockpit's "current evaluation ranking" tile. The department performance evaluation (its
/// schemes, runs and rankings) is built beside the cockpit; until it is wired here this section
/// renders nothing at all — no tile, no placeholder. At the merge it reads
/// `EvaluationRanking.latest(on:)` and returns a `CockpitPage`-style tile (`card dash-tile w1`,
/// `data-testid="cockpit-ranking"`) linking to the run's page.
enum CockpitRankingSection {
    static func render(_ req: Request) async throws -> Body {
        .empty
    }
}
