@testable import DataBankServer
import Foundation
import Testing
import Vapor
import VaporTesting

/// Typed site URLs answer registered routes, so a link built from one cannot be dead.
@Suite("Site URLs")
struct SiteURLTests {
    static let id = UUID()

    /// Every page and form target, with the method it is used with.
    static let everyURL: [(SiteURL, HTTPMethod)] = [
        (.home, .GET), (.catalog, .GET), (.newResource, .GET), (.newResource, .POST),
        (.resource("101001-00001"), .GET), (.resource("101001-00001", .edit), .GET), (.resource("101001-00001", .edit), .POST),
        (.resource("101001-00001", .transition), .POST), (.resource("101001-00001", .comments), .POST),
        (.resource("101001-00001", .records), .GET), (.resource("101001-00001", .map), .GET),
        (.resource("101001-00001", .profile), .GET), (.resource("101001-00001", .profile), .POST),
        (.resource("101001-00001", .rules), .GET), (.resource("101001-00001", .rules), .POST), (.resource("101001-00001", .deleteRule(id)), .POST),
        (.resource("101001-00001", .tableSchema), .POST), (.resource("101001-00001", .apply), .GET), (.resource("101001-00001", .apply), .POST),
        (.resource("101001-00001", .quality), .GET), (.resource("101001-00001", .qualityCheck), .POST),
        (.resource("101001-00001", .qualityPolicy), .POST), (.resource("101001-00001", .qualityValidate), .POST),
        (.resource("101001-00001", .quarantine(id)), .GET), (.resource("101001-00001", .resubmitQuarantine(id)), .POST),
        (.resource("101001-00001", .discardQuarantine(id)), .POST), (.resource("101001-00001", .load(id)), .GET),
        (.resource("101001-00001", .objections), .POST), (.resource("101001-00001", .newObjection), .GET),
        (.quality, .GET), (.audit, .GET), (.departments, .GET), (.department("440600001"), .GET), (.departmentQuality("440600001"), .GET),
        (.standards, .GET), (.standard("DE0001"), .GET), (.standardNotFuture("DE0001"), .POST), (.editions, .GET), (.editions, .POST), (.editionDiff, .GET),
        (.edition("2016-2"), .GET),
        (.reviews, .GET), (.sharing, .GET), (.markNotificationsRead, .POST),
        (.application(id), .GET), (.application(id, .decision), .POST), (.application(id, .countersign), .POST),
        (.application(id, .escalate), .POST), (.application(id, .withdraw), .POST),
        (.grants, .GET), (.revokeGrant(id), .POST), (.apps, .GET), (.apps, .POST), (.revokeApp(id), .POST),
        (.objections, .GET), (.objection(id, .accept), .POST), (.objection(id, .reject), .POST), (.objection(id, .withdraw), .POST),
        (.demands, .GET), (.demands, .POST), (.newDemand, .GET), (.demand(id), .GET), (.demandAction(id, .accept), .POST),
        (.demandAction(id, .fulfil), .POST), (.demandAction(id, .decline), .POST), (.demandAction(id, .assign), .POST), (.demandAction(id, .vote), .POST),
        (.connectors, .GET), (.newConnector, .GET), (.newConnector, .POST), (.connector("c1"), .GET), (.connector("c1", .edit), .GET),
        (.connector("c1", .edit), .POST), (.connector("c1", .run), .POST), (.connector("c1", .pause), .POST),
        (.connector("c1", .resume), .POST), (.connector("c1", .delete), .POST),
        (.peerApply("chancheng", "102003-00001"), .GET), (.peerApply("chancheng", "102003-00001"), .POST),
        (.jointChecks, .GET), (.jointCheck("school-admission"), .GET), (.jointCheck("school-admission"), .POST),
        (.warnings, .GET), (.warning(id), .GET), (.warningAction(id, .ack), .POST), (.warningAction(id, .assign), .POST),
        (.warningAction(id, .close), .POST),
        (.login, .GET), (.login, .POST), (.logout, .POST), (.account, .GET), (.tokens, .POST), (.revokeToken(id), .POST),
        (.openDatasets, .GET), (.openDataset("101001-00001"), .GET), (.openDataset("101001-00001", .preview), .GET),
        (.openDataset("101001-00001", .api), .GET), (.openProviders, .GET), (.openProvider("440600001"), .GET),
        (.openData("101001-00001", .csv), .GET), (.openData("101001-00001", .xlsx), .GET), (.openPreviewData("101001-00001"), .GET),
        (.signup, .GET), (.signup, .POST), (.verifySignup, .GET), (.password, .GET), (.password, .POST), (.developer, .GET),
        (.developerKeys, .POST), (.revokeDeveloperKey(id), .POST), (.signups, .GET), (.confirmSignup(id), .POST),
        (.adminKeys, .GET), (.adminKeyLimits(id), .POST), (.adminRevokeKey(id), .POST),
        (.datasetApply("101001-00001"), .GET), (.datasetApply("101001-00001"), .POST), (.datasetFeedback("101001-00001"), .GET),
        (.datasetFeedback("101001-00001"), .POST), (.reuses, .GET), (.newReuse, .GET), (.newReuse, .POST), (.reviewReuses, .GET),
        (.decideReuse(id), .POST),
        (.credit, .GET), (.creditEnterprise("91440600MA4W000001"), .GET), (.openLookup("enterprise-name"), .GET),
        (.openLive, .GET), (.openStreamLatest("101001-00001"), .GET), (.openStreamEvents("101001-00001"), .GET),
        (.chartGallery, .GET), (.chartGallerySample("bar"), .GET),
        (.charts, .GET), (.newChart, .GET), (.newChart, .POST), (.chartPreview, .GET), (.chart(id), .GET), (.editChart(id), .GET),
        (.editChart(id), .POST), (.deleteChart(id), .POST), (.apiChart(id), .GET), (.apiChartFile(id, .data), .GET),
        (.apiChartFile(id, .csv), .GET), (.apiChartFile(id, .svg), .GET), (.apiChartFile(id, .png), .GET),
        (.dashboards, .GET), (.newDashboard, .GET), (.newDashboard, .POST), (.dashboard(id), .GET), (.editDashboard(id), .GET),
        (.editDashboard(id), .POST), (.deleteDashboard(id), .POST), (.dashboardTile(id, id), .GET), (.embedChart(id), .GET),
        (.openDashboards, .GET), (.openDashboard(id), .GET), (.openDashboardTile(id, id), .GET), (.heat, .GET),
        (.evaluation, .GET), (.evaluation, .POST), (.evaluationRun(id), .GET), (.evaluationFreeze(id), .POST),
        (.evaluationUnit(id, "440600001"), .GET), (.evaluationAdjust(id, "440600001"), .POST),
        (.evaluationFacts(id, "440600001", "applications"), .GET), (.evaluationExport(id, "440600001", .xlsx), .GET),
        (.evaluationExport(id, "440600001", .pdf), .GET)
    ]

    /// Each URL's segments match a registered route of that method (constants equal, parameters anything).
    @Test func everyURLAnswersARoute() async throws {
        try await withDataBank { app in
            let routes = app.routes.all
            for (url, method) in Self.everyURL {
                let matches = routes.contains { route in
                    route.method == method && route.path.count == url.segments.count
                        && zip(route.path, url.segments).allSatisfy { component, segment in
                            if case .constant(let c) = component { return c == segment }
                            return true
                        }
                }
                #expect(matches, "\(method) \(url.path) has no route")
            }
        }
    }

    /// Segments are percent-encoded, so a code cannot break out of its place in the path.
    @Test func segmentsAreEncoded() {
        #expect(SiteURL.resource("a/b?c").path == "/catalog/resources/a%2Fb%3Fc")
        #expect(
            SiteURL.resource("101001-00001", .records).with([("sort", "-name"), ("empty", "")], fragment: "top")
                == "/catalog/resources/101001-00001/records?sort=-name#top")
    }
}
