import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// 我的数据 through the real API: the provider marks a resource subject-visible; an enterprise signed in
/// through the (demo) identity provider reads the records about itself, masked as the provider chose,
/// and who accessed them; nobody reads another subject's records.
@Suite("My data (我的数据): subject views, subject sign-in, records and accesses")
struct MyDataAPITests {
    static let window = "jtj_steward"  // another department, reading under a grant

    struct Fixture {
        var f: StoreFixture
        var provider: String
        var idp: DemoIdentityProvider
        /// The provider's department code.
        var department: String

        static func make(_ app: Application) async throws -> Fixture {
            let f = try await StoreFixture.enterprise(app)
            let provider = try await app.token(f.steward)
            let loaded = try await app.loadCSV(f, f.csv(rows: 0..<5), token: provider)
            #expect(loaded.status == .ok || loaded.status == .created)
            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
            return Fixture(f: f, provider: provider, idp: try await DemoIdentityProvider.install(app), department: resource.departmentCode)
        }

        var key: String { f.keyColumn.name }
        /// The first text column that is not the key: shown masked.
        var masked: String { f.textColumn!.name }

        func mark(_ app: Application, masks: [String: MaskRule]? = nil) async throws -> TestingHTTPResponse {
            let view = SubjectView(subjectColumn: key, kind: .enterprise, masks: masks ?? [key: .clear, masked: .suppress])
            return try await app.send(.PUT, "/api/v1/resources/\(f.code)/subject-view", token: provider, json: view)
        }

        func token(row: Int) async throws -> String {
            try await idp.sign(.init(kind: .enterprise, key: f.key(row), name: "企业\(row)"), nonce: nil)
        }
    }

    @Test func theProviderMarksAResourceSubjectVisibleAndItIsAudited() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            let marked = try await x.mark(app)
            #expect(marked.status == .ok)
            let read = try await app.send(.GET, "/api/v1/resources/\(x.f.code)/subject-view", token: x.provider)
            #expect(read.status == .ok)
            #expect(try read.content.get(String.self, at: "subjectColumn") == x.key)
            let audited = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'subject_view.set'").first()
            #expect(try audited?.decode(column: "n", as: Int.self) == 1)
        }
    }

    @Test func aViewNamingAnUnknownItemIsRefusedWithTheField() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            let refused = try await x.mark(app, masks: ["no_such_item": .clear])
            #expect(refused.status == .unprocessableEntity)
            #expect(try refused.errorBody().details.map(\.field) == ["masks.no_such_item"])
            #expect(try await SubjectViewRow.query(on: app.db).count() == 0)
        }
    }

    @Test func anotherDepartmentMayNotMarkTheResource() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            let view = SubjectView(subjectColumn: x.key, kind: .enterprise, masks: [x.key: .clear])
            let refused = try await app.send(
                .PUT, "/api/v1/resources/\(x.f.code)/subject-view", token: try await app.token(Self.window), json: view)
            #expect(refused.status == .forbidden)
        }
    }

    @Test func aSubjectReadsOnlyItsOwnRecordsThroughTheProvidersMasks() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            _ = try await x.mark(app)
            let mine = try await app.send(.GET, "/api/v1/my/records", token: try await x.token(row: 2))
            #expect(mine.status == .ok)
            let answer = try mine.content.decode(MyRecords.Answer.self)
            let resource = try #require(answer.departments.first?.resources.first)
            #expect(resource.code == x.f.code)
            #expect(resource.columns.map(\.name).sorted() == [x.key, x.masked].sorted())
            #expect(resource.records.count == 1)
            #expect(resource.records[0].values[x.key] == .some(x.f.key(2)))
            #expect(resource.records[0].values[x.masked] == .some(nil))
            // The subject's own read is audited, under its hash.
            let audited = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'my.records' AND actor_kind = 'subject'").first()
            #expect(try audited?.decode(column: "n", as: Int.self) == 1)
        }
    }

    @Test func withoutAValidIdentityTokenNothingIsRead() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            _ = try await x.mark(app)
            #expect(try await app.send(.GET, "/api/v1/my/records").status == .unauthorized)
            // A staff user is no subject.
            #expect(try await app.send(.GET, "/api/v1/my/records", token: x.provider).status == .forbidden)
            // Signed by a key the provider did not publish.
            let other = try await DemoIdentityProvider.make()
            let forged = try await other.sign(.init(kind: .enterprise, key: x.f.key(2), name: "x"), nonce: nil)
            #expect(try await app.send(.GET, "/api/v1/my/records", token: forged).status == .unauthorized)
        }
    }

    @Test func aSubjectTokenOpensNoStaffRoute() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            _ = try await x.mark(app)
            let records = try await app.send(.GET, "/api/v1/resources/\(x.f.code)/records", token: try await x.token(row: 2))
            #expect([.unauthorized, .forbidden, .notFound].contains(records.status))
        }
    }

    @Test func aVerificationAboutTheSubjectShowsInItsAccessesAndNoOneElses() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            _ = try await x.mark(app)
            let spec = VerificationSpec(
                parameters: [.init(name: "code", type: .C)], predicate: .exists(where: [.init(column: x.key, op: .eq, operand: .parameter("code"))]))
            let defined = try await app.send(
                .POST, "/api/v1/resources/\(x.f.code)/services", token: x.provider,
                json: ["code": AnyEncodable("registered"), "name": AnyEncodable("登记核验"), "spec": AnyEncodable(spec)])
            #expect(defined.status == .created)
            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == x.f.code).first())
            resource.sharingType = SharingType.unconditional.rawValue
            try await resource.save(on: app.db)
            let window = try await app.token(Self.window)
            let applied = try await app.send(
                .POST, "/api/v1/applications", token: window,
                json: [
                    "resource": AnyEncodable(x.f.code), "service": AnyEncodable("registered"), "purpose": AnyEncodable("企业核验"),
                    "validUntil": AnyEncodable("2027-06-30")
                ])
            #expect(applied.status == .created)
            let verified = try await app.send(
                .POST, "/api/v1/verify/registered", token: window,
                json: ["params": AnyEncodable(["code": x.f.key(2)]), "purpose": AnyEncodable("道路运输许可核验")])
            #expect(verified.status == .ok)
            let mine = try await app.send(.GET, "/api/v1/my/accesses", token: try await x.token(row: 2))
            #expect(mine.status == .ok)
            let accesses = try mine.content.get([AuditSubjects.Access].self, at: "accesses")
            #expect(accesses.count == 1)
            #expect(accesses.first?.kind == "verify")
            #expect(accesses.first?.purpose == "道路运输许可核验")
            let windowDepartment = try await User.query(on: app.db).filter(\.$username == Self.window).first()?.departmentCode
            #expect(accesses.first?.department == windowDepartment)
            let theirs = try await app.send(.GET, "/api/v1/my/accesses", token: try await x.token(row: 3))
            #expect(try theirs.content.get([AuditSubjects.Access].self, at: "accesses").isEmpty)
            // The audit holds the subject's hash, never its code (once the worker has moved it from the queue).
            #expect(try await AuditSubjects.indexQueued(on: app.db) > 0)
            let clear = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_subjects WHERE subject_hash = \(bind: Data(x.f.key(2).utf8))").first()
            #expect(try clear?.decode(column: "n", as: Int.self) == 0)
            let hashed = AuditSubjects.bytes(AuditSubjects.hash(x.f.key(2), trail: app.auditTrail))
            let byHash = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_subjects WHERE subject_hash = \(bind: hashed)").first()
            #expect(try byHash?.decode(column: "n", as: Int.self) == 1)
        }
    }
}

extension MyDataAPITests {
    @Test func aRecordReadOfASubjectVisibleStoreRecordsTheKeysItReturned() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            _ = try await x.mark(app)
            let read = try await app.send(.GET, "/api/v1/resources/\(x.f.code)/records?\(x.key)=\(x.f.key(2))", token: x.provider)
            #expect(read.status == .ok)
            let one = try await app.send(.GET, "/api/v1/resources/\(x.f.code)/records/\(x.f.key(2))", token: x.provider)
            #expect(one.status == .ok)
            let mine = try await app.send(.GET, "/api/v1/my/accesses", token: try await x.token(row: 2))
            let accesses = try mine.content.get([AuditSubjects.Access].self, at: "accesses")
            #expect(accesses.map(\.operation) == ["read", "query"])
            #expect(accesses.allSatisfy { $0.kind == "read" && $0.department == x.department })
            let theirs = try await app.send(.GET, "/api/v1/my/accesses", token: try await x.token(row: 3))
            #expect(try theirs.content.get([AuditSubjects.Access].self, at: "accesses").isEmpty)
        }
    }

    /// A read's subjects are queued in its audit transaction and moved into the index by the worker:
    /// "who looked" finds an access before and after the move, each once, newest first.
    @Test func accessesAreFoundQueuedAndIndexedEachOnce() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            _ = try await x.mark(app)
            let path = "/api/v1/resources/\(x.f.code)/records/\(x.f.key(2))"
            #expect(try await app.send(.GET, path, token: x.provider).status == .ok)
            #expect(try await AuditSubjects.indexQueued(on: app.db) == 1)
            #expect(try await app.send(.GET, path, token: x.provider).status == .ok)
            let token = try await x.token(row: 2)
            let before = try await app.send(.GET, "/api/v1/my/accesses", token: token).content.get([AuditSubjects.Access].self, at: "accesses")
            #expect(before.count == 2)
            #expect(before.map(\.seq) == before.map(\.seq).sorted(by: >))
            #expect(try await AuditSubjects.indexQueued(on: app.db) == 1)
            let after = try await app.send(.GET, "/api/v1/my/accesses", token: token).content.get([AuditSubjects.Access].self, at: "accesses")
            #expect(after == before)
            let queued = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_subject_queue").first()?.decode(column: "n", as: Int.self)
            #expect(queued == 0)
        }
    }
}

extension MyDataAPITests {
    /// A streamed export of a subject-visible store records whom its pages sent, under the export's own
    /// entry: each subject sees the exports as accesses of kind `export`; a store not marked records none.
    @Test func exportsRecordWhomTheySent() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            let before = try await app.send(.GET, "/api/v1/resources/\(x.f.code)/records?format=csv", token: x.provider)
            #expect(before.status == .ok)
            _ = try await x.mark(app)
            for path in ["records?format=csv", "records?limit=all&format=ndjson", "datapackage.zip"] {
                #expect(try await app.send(.GET, "/api/v1/resources/\(x.f.code)/\(path)", token: x.provider).status == .ok)
            }
            for row in [1, 4] {
                let mine = try await app.send(.GET, "/api/v1/my/accesses", token: try await x.token(row: row))
                let accesses = try mine.content.get([AuditSubjects.Access].self, at: "accesses")
                #expect(accesses.map(\.operation) == ["export.datapackage", "export.ndjson", "export.csv"])
                #expect(accesses.allSatisfy { $0.kind == "export" && $0.department == x.department })
            }
        }
    }
}

extension MyDataAPITests {
    /// A page of a subject-visible store's change feed records whom its changes were about (kind `feed`);
    /// a page past the end records no one.
    @Test func aChangeFeedPageRecordsWhomItSent() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            _ = try await x.mark(app)
            let page = try await app.send(.GET, "/api/v1/resources/\(x.f.code)/changes?after=0&limit=3", token: x.provider)
            #expect(page.status == .ok)
            let next = try page.content.get(Int.self, at: "next")
            #expect(try await app.send(.GET, "/api/v1/resources/\(x.f.code)/changes?after=\(next + 100)", token: x.provider).status == .ok)
            var seen: [Int] = []
            for row in 0..<5 {
                let mine = try await app.send(.GET, "/api/v1/my/accesses", token: try await x.token(row: row))
                let accesses = try mine.content.get([AuditSubjects.Access].self, at: "accesses")
                #expect(accesses.allSatisfy { $0.kind == "feed" && $0.operation == "changes" })
                seen.append(accesses.count)
            }
            #expect(seen == [1, 1, 1, 0, 0])
        }
    }
}

extension MyDataAPITests {
    func records(_ app: Application, _ token: String) async throws -> MyRecords.Resource {
        let mine = try await app.send(.GET, "/api/v1/my/records", token: token)
        return try #require(try mine.content.decode(MyRecords.Answer.self).departments.first?.resources.first)
    }

    @Test func aSubjectObjectsToAValueAboutItselfThroughTheObjectionFlow() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            _ = try await x.mark(app)
            let token = try await x.token(row: 2)
            let record = try #require(try await records(app, token).records.first)
            let raised = try await app.send(
                .POST, "/api/v1/my/objections", token: token,
                json: ["resource": x.f.code, "record": record.ref, "column": x.key, "suggested": "91440600MA00000000", "note": "代码有误"])
            #expect(raised.status == .created)
            let row = try #require(try await ObjectionRow.query(on: app.db).first())
            #expect(row.providerCode == x.department)
            #expect(row.recordKey == x.f.key(2))
            #expect(row.seenValue == x.f.key(2))
            let mine = try await app.send(.GET, "/api/v1/my/objections", token: token)
            #expect(try mine.content.get([MyObjections.Info].self, at: "objections").map(\.state) == ["open"])
            // The provider's inbox has it.
            let notices = try await NotificationRow.query(on: app.db).filter(\.$departmentCode == x.department).filter(\.$kind == "objection.raised").count()
            #expect(notices == 1)
        }
    }

    @Test func aSubjectObjectingToAnotherSubjectsRecordGetsNotFoundAndIsAudited() async throws {
        try await withDataBank { app in
            let x = try await Fixture.make(app)
            _ = try await x.mark(app)
            let theirs = try #require(try await records(app, try await x.token(row: 3)).records.first)
            let refused = try await app.send(
                .POST, "/api/v1/my/objections", token: try await x.token(row: 2),
                json: ["resource": x.f.code, "record": theirs.ref, "note": "不是我的"])
            #expect(refused.status == .notFound)
            #expect(try refused.errorBody().code == "record_not_found")
            #expect(try await ObjectionRow.query(on: app.db).count() == 0)
            let audited = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM audit_log WHERE operation = 'refused.not_own_record'").first()
            #expect(try audited?.decode(column: "n", as: Int.self) == 1)
        }
    }
}

extension MyDataAPITests {
    @Test func aJointCheckOfTheSubjectShowsInItsAccessesWithTheCheckNamed() async throws {
        try await withDataBank { app in
            let x = try await JointCheckAPITests.Fixture.make(app)
            #expect(try await x.define(app, kind: .creditCode).status == .created)
            try await x.grant("registered", app)
            #expect(try await x.run(app, code: x.f.key(1)).status == .ok)
            let idp = try await DemoIdentityProvider.install(app)
            let token = try await idp.sign(.init(kind: .enterprise, key: x.f.key(1), name: "企业"), nonce: nil)
            let mine = try await app.send(.GET, "/api/v1/my/accesses", token: token)
            let accesses = try mine.content.get([AuditSubjects.Access].self, at: "accesses")
            #expect(Set(accesses.map(\.kind)) == ["joint_check", "verify"])
            #expect(accesses.first { $0.kind == "joint_check" }?.resourceName == "企业通行证联审")
            #expect(accesses.allSatisfy { $0.purpose == "企业通行证核发" })
        }
    }
}

extension MyDataAPITests {
    /// A page's hashes (one key schedule, copied) are the single hash of each key, each key once.
    @Test func aPagesHashesAreEachKeysHashOnce() {
        let trail = AuditTrail(key: .inMemory, checkpointFile: nil, writer: nil)
        let keys = ["91440600MA00000011", "440604199001011234", "91440600MA00000011", ""]
        let hashed = AuditSubjects.hashes(keys, trail: trail)
        let oneByOne = Set(keys.filter { !$0.isEmpty }.map { AuditSubjects.hash($0, trail: trail) }).sorted()
        #expect(hashed.count == 2)
        #expect(hashed == SubjectHashes(hex: oneByOne))
        // The queue's bytes are the hex hashes' bytes, in the hex order, end to end.
        #expect(hashed.bytes == Data(oneByOne.map(AuditSubjects.bytes).joined()))
        #expect(AuditSubjects.hash(keys[0], trail: trail).count == 32)
    }
}
