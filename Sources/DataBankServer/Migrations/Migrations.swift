import Fluent
import Vapor

/// Every migration of the platform's own tables, in the order they run.
///
/// Each lives in this folder as `NNN_TypeName.swift`, numbered in that order. A database records a
/// migration by its name, which Fluent takes from the type (`DataBankServer.CreateAccounts`): rename a
/// file freely, never a type. Shipped migrations are never edited; a change of schema is a new
/// migration with the next number, added at the end of ``all``.
enum Migrations {
    static var all: [any Migration] {
        [
            CreateAccounts(),  // 001
            SessionRecord.migration,  // Vapor's sessions table
            CreateCatalog(),  // 002
            AddSearchFacetKeys(),  // 003
            CreateExchange(),  // 004
            CreateSubscriptions(),  // 005
            AddAuditHeadPrevHash(),  // 006
            CreateSharing(),  // 007
            AddNotificationMail(),  // 008
            AddQuarantineResubmit(),  // 009
            CreateQualityRules(),  // 010
            CreateQualityChecks(),  // 011
            CreateObjections(),  // 012
            CreateProfiles(),  // 013
            CreateAuthThrottle(),  // 014
            AddAuditKeyedChain(),  // 015
            AddStandardNotFuture(),  // 016
            CreateOpenCounters(),  // 017
            CreateOpenPortalAccounts(),  // 018
            AddAccessEpoch(),  // 019
            CreateLookupServices(),  // 020
            CreateLookupGrams(),  // 021
            CreateResourceTags(),  // 022
            AddAggregateMinGroup(),  // 023
            CreateAggregateRollups(),  // 024
            CreateCharts(),  // 025
            CreateDashboards(),  // 026
            CreateDemands(),  // 027
            CreateHeatFacts(),  // 028
            CreateEvaluation(),  // 029
            CreateConnectors(),  // 030
            CreateFederation(),  // 031
            CreateFederatedApplications(),  // 032
            AddNodeEnglishNames(),  // 033
            AddNodeKeyGeneration(),  // 034
            CreateJointChecks(),  // 035
            CreateWarnings(),  // 036
            CreateMyData(),  // 037
            QueueAuditSubjects()  // 038
        ]
    }

    static func register(on app: Application) {
        app.migrations.add(all)
    }
}
