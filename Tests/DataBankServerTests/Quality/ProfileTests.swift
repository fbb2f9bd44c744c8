import DataBankCore
@testable import DataBankServer
import Fluent
import Testing
import Vapor
import VaporTesting

/// Column profiling: a full scan gives the right numbers; a load is merged in after it; other
/// departments see sensitive values masked; errors are the API's.
@Suite("Column profiles")
struct ProfileTests {
    /// The enterprise fixture's rows `rows`, with `blank` left empty in the rows of `blankRows`.
    func csv(_ f: StoreFixture, rows: Range<Int>, blank: String? = nil, blankRows: Set<Int> = [], variant: Int = 0) -> String {
        ([f.header()] + rows.map { r in
            f.layout.columns.map { c in c.name == blank && blankRows.contains(r) ? "" : f.value(c, row: r, variant: variant) }.joined(separator: ",")
        }).joined(separator: "\n") + "\n"
    }

    /// An optional text column of the fixture (may be null).
    func optionalText(_ f: StoreFixture) throws -> RecordLayout.Column {
        try #require(f.layout.columns.first { !$0.required && !$0.primaryKey && $0.type == .C })
    }

    func profile(_ app: Application, _ f: StoreFixture, token: String? = nil) async throws -> ProfileAPI.ProfileAnswer {
        await app.profileScheduler.waitUntilIdle()
        let res = try await app.send(.GET, "/api/v1/resources/\(f.code)/profile", token: token)
        #expect(res.status == .ok, "\(res.body.string)")
        return try res.decode(ProfileAPI.ProfileAnswer.self)
    }

    func column(_ a: ProfileAPI.ProfileAnswer, _ name: String) throws -> ColumnSummary {
        try #require(a.profile?.columns.first { $0.name == name })
    }

    /// A full scan of 12 known rows: counts, nulls, distinct, typed bounds, lengths and patterns are exact.
    @Test func fullScanNumbersOnAKnownDataset() async throws {
        try await withDataBank(profileAfterLoads: true) { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let blank = try optionalText(f)
            #expect(try await app.loadCSV(f, csv(f, rows: 0..<12, blank: blank.name, blankRows: [0, 1, 2]), token: token).status == .ok)
            let scanned = try await app.send(.POST, "/api/v1/resources/\(f.code)/profile", token: token)
            #expect(scanned.status == .ok, "\(scanned.body.string)")
            let a = try scanned.decode(ProfileAPI.ProfileAnswer.self)
            #expect(a.profile?.rowCount == 12)
            #expect(a.profile?.exact == true)
            #expect(a.history.first?.kind == "full")
            #expect(a.masked == false)
            let key = try column(a, f.keyColumn.name)
            #expect(key.count == 12 && key.nulls == 0 && key.distinct == 12 && key.distinctExact)
            #expect(key.min == f.key(0) && key.max == f.key(11))  // credit codes sort in row order
            #expect(key.patterns.map(\.count).reduce(0, +) == 12 && key.patterns.filter { $0.value?.count != 18 }.isEmpty)
            #expect(key.lengths == [LengthBucket(from: 18, to: 18, count: 12)])
            let optional = try column(a, blank.name)
            #expect(optional.count == 9 && optional.nulls == 3)
            #expect(abs(optional.nullRatio - 0.25) < 1e-9)
            #expect(optional.topValues.map(\.count).reduce(0, +) == 9 && optional.topValues.count == optional.distinct)
            if let int = f.layout.columns.first(where: { $0.type == .I }) {
                // Numbers are bounded by value: 11 is the largest, not "9".
                #expect(try column(a, int.name).min == "0" && column(a, int.name).max == "11")
            }
            if let date = f.layout.columns.first(where: { $0.type == .D }) {
                let dates = (0..<12).map { f.value(date, row: $0) }
                #expect(try column(a, date.name).min == dates.min() && column(a, date.name).max == dates.max())
            }
        }
    }

    /// After a load the change log is merged in the background: the row count per run is kept,
    /// an update makes the profile approximate, and a full scan makes it exact again.
    @Test func incrementalAfterALoad() async throws {
        try await withDataBank(profileAfterLoads: true) { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            #expect(try await app.loadCSV(f, csv(f, rows: 0..<10), token: token).status == .ok)
            let first = try await profile(app, f, token: token)
            #expect(first.profile?.rowCount == 10)
            #expect(first.history.map(\.kind) == ["full"])  // no profile yet: the first run scans

            #expect(try await app.loadCSV(f, csv(f, rows: 10..<15), mode: "append", token: token).status == .ok)
            let second = try await profile(app, f, token: token)
            #expect(second.history.map(\.kind) == ["incremental", "full"])
            #expect(second.history.map(\.rowCount) == [15, 10])
            #expect(second.history.first?.rowsRead == 5)
            let key = try column(second, f.keyColumn.name)
            #expect(key.count == 15 && key.distinct == 15 && key.max == f.key(14))
            #expect(second.profile?.exact == true)
            #expect(second.profile?.coveredSeq == second.storeLastSeq)

            #expect(try await app.loadCSV(f, csv(f, rows: 0..<1, variant: 7), mode: "upsert", token: token).status == .ok)
            let third = try await profile(app, f, token: token)
            #expect(third.profile?.exact == false)
            #expect(third.profile?.updatesSinceFullScan == 1)
            #expect(try column(third, f.keyColumn.name).count == 16)  // the updated row is counted again

            let rescanned = try await app.send(.POST, "/api/v1/resources/\(f.code)/profile", token: token).decode(ProfileAPI.ProfileAnswer.self)
            #expect(rescanned.profile?.exact == true)
            #expect(try column(rescanned, f.keyColumn.name).count == 15)
            #expect(rescanned.history.count == 4)
            // Only the newest run keeps the sketches' state.
            #expect(try await ProfileRunRow.query(on: app.db).filter(\.$state != nil).count() == 1)
        }
    }

    /// A `replace` load resets the store; the incremental run starts the profile again from it.
    @Test func replaceLoadStartsAfresh() async throws {
        try await withDataBank(profileAfterLoads: true) { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, csv(f, rows: 0..<8), token: token)
            _ = try await profile(app, f, token: token)
            _ = try await app.loadCSV(f, csv(f, rows: 100..<103), mode: "replace", token: token)
            let a = try await profile(app, f, token: token)
            #expect(a.history.first?.kind == "incremental")
            #expect(a.profile?.rowCount == 3 && a.profile?.exact == true)
            let key = try column(a, f.keyColumn.name)
            #expect(key.count == 3 && key.min == f.key(100))
        }
    }

    /// A published demo resource with a sensitive text item that has a display mask (a name, an ID …),
    /// the item, and a steward of another department.
    func sensitiveFixture(_ app: Application) async throws -> (StoreFixture, RecordLayout.Column, reader: String)? {
        for store in try await RecordStoreRow.query(on: app.db).sort(\.$resourceCode).all() {
            guard let resource = try await ResourceRow.query(on: app.db).filter(\.$code == store.resourceCode).first(),
                  !resource.classified, resource.publishedRevision != nil else { continue }
            let rules = try await GrantAccess.defaultMasks(resource: resource, on: app.db)
            guard let column = store.recordLayout.columns.first(where: { c in
                if case .mask = rules[c.name] ?? .clear { return c.type == .C && !c.primaryKey && (c.length ?? 50) >= 8 }
                return false
            }) else { continue }
            // A store keyed by a masked item (a register keyed by resident ID) shows no clear column to compare with.
            if let key = store.recordLayout.columns.first(where: \.primaryKey), case .mask = rules[key.name] ?? .clear { continue }
            guard let steward = try await User.query(on: app.db).filter(\.$departmentCode == store.departmentCode)
                    .filter(\.$roleName == Role.steward.rawValue).first(),
                  let reader = try await User.query(on: app.db).filter(\.$departmentCode != store.departmentCode)
                    .filter(\.$roleName == Role.steward.rawValue).first() else { continue }
            return (StoreFixture(code: store.resourceCode, layout: store.recordLayout, steward: steward.username,
                                 samples: SampleValues(rules: try await QualitySetup.load(store, on: app.db).rules)), column, reader.username)
        }
        return nil
    }

    /// On an openly published resource another department (and an anonymous reader) sees sensitive
    /// items' values under their default masks, without their shapes; the provider sees them clear.
    /// Closed to the public, the profile is for readers of the records only (401 / 403 `no_grant`).
    @Test func sensitiveValuesAreMaskedForOtherDepartments() async throws {
        try await withDataBank(profileAfterLoads: true) { app in
            let (f, sensitive, readerName) = try #require(try await sensitiveFixture(app))
            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
            resource.openType = OpenType.unconditional.rawValue
            try await resource.save(on: app.db)
            let token = try await app.token(f.steward)
            #expect(try await app.loadCSV(f, csv(f, rows: 0..<6), token: token).status == .ok)
            let own = try await profile(app, f, token: token)
            #expect(!own.masked)
            let clearValues = Set(try column(own, sensitive.name).topValues.compactMap(\.value))
            #expect(clearValues.count == 6)

            for reader in [try await app.token(readerName), nil] {
                let other = try await profile(app, f, token: reader)
                #expect(other.masked)
                let c = try column(other, sensitive.name)
                #expect(c.masked)
                #expect(c.topValues.map(\.count) == Array(repeating: 1, count: 6))
                #expect(c.topValues.allSatisfy { $0.value.map { !clearValues.contains($0) && $0.contains("*") } ?? true })
                #expect(c.min.map { !clearValues.contains($0) } ?? true)
                #expect(c.patterns.isEmpty)  // a masked item's shapes are withheld too
                #expect(try column(other, f.keyColumn.name).masked == false || f.keyColumn.name == sensitive.name)
            }
            resource.openType = OpenType.closed.rawValue
            try await resource.save(on: app.db)
            #expect(try await app.send(.GET, "/api/v1/resources/\(f.code)/profile").status == .unauthorized)
            let refused = try await app.send(.GET, "/api/v1/resources/\(f.code)/profile", token: try await app.token(readerName))
            #expect(refused.status == .forbidden)
        }
    }

    /// Unknown resources answer 404; a full scan is refused to other departments (403) and to nobody (401).
    @Test func notFoundAndForbidden() async throws {
        try await withDataBank(profileAfterLoads: true) { app in
            let f = try await StoreFixture.enterprise(app)
            let missing = try await app.send(.GET, "/api/v1/resources/999999-99999/profile")
            #expect(missing.status == .notFound)
            #expect(try missing.errorBody().code == "not_found")
            let other = try await app.send(.POST, "/api/v1/resources/\(f.code)/profile", token: try await app.token("jtj_steward"))
            #expect(other.status == .forbidden)
            let anonymous = try await app.send(.POST, "/api/v1/resources/\(f.code)/profile")
            #expect(anonymous.status == .unauthorized)
            let empty = try await app.send(.GET, "/api/v1/resources/\(f.code)/profile", token: try await app.token(f.steward))
            #expect(try empty.decode(ProfileAPI.ProfileAnswer.self).profile == nil)
        }
    }

    /// The page shows the section with a length chart, linked from the resource page; the provider gets the scan button.
    @Test func profilePageRendersTheSection() async throws {
        try await withDataBank(profileAfterLoads: true) { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, csv(f, rows: 0..<4), token: token)
            await app.profileScheduler.waitUntilIdle()
            let page = try await app.send(.GET, "/catalog/resources/\(f.code)/profile", token: token)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("data-testid=\"profile-columns\""))
            #expect(page.body.string.contains("data-testid=\"length-chart\""))
            #expect(page.body.string.contains("data-testid=\"profile-scan\""))
            let resourcePage = try await app.send(.GET, "/catalog/resources/\(f.code)")
            #expect(resourcePage.body.string.contains("/catalog/resources/\(f.code)/profile"))
        }
    }
}
