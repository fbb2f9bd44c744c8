import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// HTTP API sources against a real HTTP server on a loopback port (``withFakeAPI``): every paging
/// style, the formats, auth, incremental reads by a watermark parameter, and the bad answers.
@Suite("HTTP sources")
struct HTTPSourceTests {
    /// Offset paging reads every page; the next run sends the watermark as `since` and reads only what changed.
    @Test func offsetPagingReadsEveryPageAndIncrementalRunsSendTheWatermark() async throws {
        try await withFakeAPI { app, base, api in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            await api.put(cf.apiRows(0..<25))
            let body = cf.httpBody(
                base, path: "/test-api/offset", records: "/data/items", paging: HTTPPaging(style: "offset", pageSize: 10))
            #expect(try await app.send(.POST, "/api/v1/connectors", token: token, json: body).status == .created)
            let first = try await app.send(.POST, "/api/v1/connectors/scj-api/run", token: token).decode(RunAnswer.self)
            #expect(first.status == "succeeded", "\(first.error ?? "")")
            #expect(first.rowsRead == 25 && first.inserted == 25 && first.watermarkAfter == "25")
            let queries = await api.queries
            #expect(queries.contains("offset=0&limit=10") && queries.contains("offset=20&limit=10"))
            // Three new rows and a changed one (its seq moves past the watermark).
            await api.put(cf.apiRows(25..<28) + cf.apiRows(3..<4, variant: 7, seq: { _ in 40 }))
            let second = try await app.send(.POST, "/api/v1/connectors/scj-api/run", token: token).decode(RunAnswer.self)
            #expect(second.status == "succeeded" && second.rowsRead == 4 && second.inserted == 3 && second.updated == 1)
            #expect(second.watermarkBefore == "25" && second.watermarkAfter == "40")
            #expect(await api.queries.contains("since=25&offset=0&limit=10"))
            #expect(try await app.allRecords(cf.store, token: token).count == 28)
        }
    }

    /// Pages are written while the next one is read: a source failing part-way leaves the pages before
    /// it committed and counted in the history. (An API's watermark is committed with its last page only,
    /// so the next run reads from the start again and upserts what it had.)
    @Test func aSourceFailingPartWayKeepsTheCommittedPagesAndCountsThem() async throws {
        try await withFakeAPI { app, base, api in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            await api.put(cf.apiRows(0..<25))
            await api.fail(from: 20)
            let body = cf.httpBody(
                base, path: "/test-api/offset", records: "/data/items", paging: HTTPPaging(style: "offset", pageSize: 10))
            #expect(try await app.send(.POST, "/api/v1/connectors", token: token, json: body).status == .created)
            let failed = try await app.send(.POST, "/api/v1/connectors/scj-api/run", token: token).decode(RunAnswer.self)
            #expect(failed.status == "failed" && failed.rowsRead == 20 && failed.inserted == 20 && failed.watermarkAfter == nil)
            #expect(failed.error?.contains("20 rows inserted and 0 updated before this point stay committed") == true, "\(failed.error ?? "")")
            #expect(try await app.allRecords(cf.store, token: token).count == 20)
            await api.fail(from: nil)
            let resumed = try await app.send(.POST, "/api/v1/connectors/scj-api/run", token: token).decode(RunAnswer.self)
            #expect(resumed.status == "succeeded" && resumed.rowsRead == 25 && resumed.inserted == 5 && resumed.watermarkAfter == "25")
            #expect(try await app.allRecords(cf.store, token: token).count == 25)
        }
    }

    @Test func cursorPagingFollowsTheNextCursorInTheAnswer() async throws {
        try await withFakeAPI { app, base, api in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            await api.put(cf.apiRows(0..<10))
            let body = cf.httpBody(
                base, path: "/test-api/cursor", records: "items", paging: HTTPPaging(style: "cursor", cursorPath: "/paging/next", cursorParam: "cursor"))
            #expect(try await app.send(.POST, "/api/v1/connectors", token: token, json: body).status == .created)
            let run = try await app.send(.POST, "/api/v1/connectors/scj-api/run", token: token).decode(RunAnswer.self)
            #expect(run.status == "succeeded" && run.inserted == 10 && run.watermarkAfter == "10", "\(run.error ?? "")")
            #expect(await api.queries.filter { $0.contains("cursor=") }.count == 2)
        }
    }

    @Test func linkPagingFollowsRelNextRelativeLinks() async throws {
        try await withFakeAPI { app, base, api in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            await api.put(cf.apiRows(0..<9))
            let body = cf.httpBody(base, path: "/test-api/link", paging: HTTPPaging(style: "link"), mode: "replace")
            #expect(try await app.send(.POST, "/api/v1/connectors", token: token, json: body).status == .created)
            let run = try await app.send(.POST, "/api/v1/connectors/scj-api/run", token: token).decode(RunAnswer.self)
            #expect(run.status == "succeeded" && run.inserted == 9, "\(run.error ?? "")")
            #expect(await api.queries.count == 3)
        }
    }

    @Test func csvAndNDJSONAnswersAreReadByTheirHeaderAndLines() async throws {
        try await withFakeAPI { app, base, api in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            await api.put(cf.apiRows(0..<6))
            let csv = cf.httpBody(base, path: "/test-api/csv", code: "scj-csv", format: "csv", mode: "replace")
            #expect(try await app.send(.POST, "/api/v1/connectors", token: token, json: csv).status == .created)
            let a = try await app.send(.POST, "/api/v1/connectors/scj-csv/run", token: token).decode(RunAnswer.self)
            #expect(a.status == "succeeded" && a.inserted == 6, "\(a.error ?? "")")
            await api.put(cf.apiRows(6..<8))
            let nd = cf.httpBody(base, path: "/test-api/ndjson", code: "scj-nd", format: "ndjson")
            #expect(try await app.send(.POST, "/api/v1/connectors", token: token, json: nd).status == .created)
            let b = try await app.send(.POST, "/api/v1/connectors/scj-nd/run", token: token).decode(RunAnswer.self)
            #expect(b.status == "succeeded" && b.rowsRead == 8 && b.inserted == 2 && b.watermarkAfter == "8", "\(b.error ?? "")")
        }
    }

    /// Bearer and basic credentials (sealed, never answered); wrong ones are `source_auth_failed`.
    @Test func bearerAndBasicCredentialsAndWrongOnesRefused() async throws {
        try await withFakeAPI { app, base, api in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            await api.put(cf.apiRows(0..<3))
            let good = cf.httpBody(base, path: "/test-api/bearer", auth: "bearer", secret: "good-token", mode: "replace")
            let preview = try await app.send(.POST, "/api/v1/connectors/test", token: token, json: good)
            #expect(preview.status == .ok && preview.body.string.contains("\"count\":3"))
            let created = try await app.send(.POST, "/api/v1/connectors", token: token, json: good)
            #expect(created.status == .created && !created.body.string.contains("good-token") && created.body.string.contains("\"secretSet\":true"))
            let run = try await app.send(.POST, "/api/v1/connectors/scj-api/run", token: token).decode(RunAnswer.self)
            #expect(run.status == "succeeded" && run.inserted == 3, "\(run.error ?? "")")

            let wrong = try await app.send(
                .POST, "/api/v1/connectors/test", token: token,
                json: cf.httpBody(base, path: "/test-api/bearer", auth: "bearer", secret: "bad", mode: "replace"))
            #expect(wrong.status == .unprocessableEntity)
            let e = try wrong.errorBody()
            #expect(e.code == "source_auth_failed" && e.details.first?.field == "source.password")
            #expect(e.message.contains("401") && e.message.contains("invalid token"))

            let basic = cf.httpBody(base, path: "/test-api/basic", auth: "basic", user: "dept", secret: "pa:ss", mode: "replace")
            #expect(try await app.send(.POST, "/api/v1/connectors/test", token: token, json: basic).status == .ok)
            var badBasic = basic
            badBasic.source?.password = "nope"
            let refused = try await app.send(.POST, "/api/v1/connectors/test", token: token, json: badBasic)
            #expect(try refused.errorBody().code == "source_auth_failed")
            // Basic without a user is refused before anything is asked.
            let noUser = try await app.send(
                .POST, "/api/v1/connectors", token: token, json: cf.httpBody(base, path: "/test-api/basic", code: "x-basic", auth: "basic", mode: "replace"))
            #expect(try noUser.errorBody().details.contains { $0.field == "source.user" })
        }
    }

    /// Each bad answer is a clear error with its field: nothing loaded.
    @Test func badAnswersAreClearErrors() async throws {
        try await withFakeAPI(adjust: { $0.connectorHTTPPageBytes = 2048 }) { app, base, api in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            func test(_ path: String, host: String? = nil, records: String? = nil) async throws -> ErrorEnvelope.Inner {
                let res = try await app.send(
                    .POST, "/api/v1/connectors/test", token: token, json: cf.httpBody(host ?? base, path: path, records: records, mode: "replace"))
                #expect(res.status == .unprocessableEntity, "\(path)")
                return try res.errorBody()
            }
            let html = try await test("/test-api/html")
            #expect(html.code == "source_not_json" && html.details.first?.field == "source.format" && html.message.contains("<html>"))
            let object = try await test("/test-api/object", records: "/data/items")
            #expect(object.code == "source_records_not_array" && object.details.first?.field == "source.records" && object.message.contains("object"))
            let missing = try await test("/test-api/object", records: "/data/rows")
            #expect(missing.code == "source_records_not_array")
            let big = try await test("/test-api/big")
            #expect(big.code == "source_page_too_large")
            let failed = try await test("/test-api/fail")
            #expect(failed.code == "source_http_error" && failed.message.contains("HTTP 500") && failed.message.contains("database is down"))
            let refused = try await test("/x", host: "http://127.0.0.1:1")
            #expect(refused.code == "source_unreachable" && refused.details.first?.field == "source.url" && refused.message.contains("refused"))
            let unknown = try await test("/x", host: "http://no-such-host.invalid")
            #expect(unknown.code == "source_unreachable" && unknown.message.contains("resolve"))
            let private_ = try await test("/x", host: "http://10.255.255.1")
            #expect(private_.code == "source_not_allowed")
            // A run against a failing API fails with the same words, and loads nothing.
            #expect(
                try await app.send(.POST, "/api/v1/connectors", token: token, json: cf.httpBody(base, path: "/test-api/fail", mode: "replace")).status
                    == .created)
            let run = try await app.send(.POST, "/api/v1/connectors/scj-api/run", token: token).decode(RunAnswer.self)
            #expect(run.status == "failed" && run.error?.contains("HTTP 500") == true && run.inserted == 0)
        }
    }

    @Test func badHTTPSettingsAreRefusedWithTheirFields() async throws {
        try await withConnectorBank { app in
            let cf = try await ConnectorFixture.make(app)
            let token = try await app.token(cf.store.steward)
            var body = cf.httpBody(
                "ftp://example.org", path: "/x", format: "xml", records: "/a", paging: HTTPPaging(style: "pages", pageSize: 0), auth: "magic")
            body.source?.table = "reg"
            let res = try await app.send(.POST, "/api/v1/connectors", token: token, json: body)
            #expect(res.status == .unprocessableEntity)
            let fields = Set(try res.errorBody().details.map(\.field))
            for field in ["source.url", "source.format", "source.table", "source.paging.style", "source.paging.pageSize", "source.auth"] {
                #expect(fields.contains(field), "\(field)")
            }
        }
    }
}
