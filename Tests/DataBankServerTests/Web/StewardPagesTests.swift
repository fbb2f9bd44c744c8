import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The pages a steward works in: an upload that ends on its result page (post/redirect/get, the
/// CSRF token in the form, not the URL), refused rows counted and fixed by source row.
@Suite("Steward pages")
struct StewardPagesTests {
    /// A CSV whose `bad` row holds two wrong values (a date and an amount).
    static func csvWithTwoProblems(_ f: StoreFixture, rows: Range<Int>, bad: Int) -> String {
        ([f.header()]
            + rows.map { r in
                f.layout.columns.map { c in
                    guard r == bad else { return f.value(c, row: r) }
                    switch c.name {
                    case "establish_date": return "不是日期"
                    case "registered_capital": return "很多"
                    default: return f.value(c, row: r)
                    }
                }.joined(separator: ",")
            }).joined(separator: "\n") + "\n"
    }

    /// Posts the records page's upload form as a browser does: multipart, `_csrf` as its first field.
    static func upload(_ web: WebSession, _ f: StoreFixture, csv: String, csrf: String?, csrfAfterFile: Bool = false) async throws -> TestingHTTPResponse {
        let boundary = "----databank-upload"
        func field(_ name: String, _ value: String) -> String {
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        let file = "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"企业.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n"
        let token = csrf.map { field("_csrf", $0) } ?? ""
        let body =
            (csrfAfterFile ? "" : token) + field("mode", "upsert") + field("encoding", "auto") + file
            + (csrfAfterFile ? token : "") + "--\(boundary)--\r\n"
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .cookie, value: web.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        var result: TestingHTTPResponse?
        try await web.app.testing().test(
            .POST, "/catalog/resources/\(f.code)/records", headers: headers,
            body: ByteBuffer(string: body), afterResponse: { result = $0 })
        return try #require(result)
    }

    static func steward(_ app: Application, _ f: StoreFixture) async throws -> (WebSession, String) {
        var web = try await WebSession.signIn(app, f.steward)
        let page = try await web.get("/catalog/resources/\(f.code)/records")
        web.keep(page)
        return (web, page.body.string)
    }

    /// The form carries its token as a field (none in the URL) and asks for the progress script.
    @Test func uploadFormKeepsTheTokenOutOfTheURL() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let (_, html) = try await Self.steward(app, f)
            let form = try #require(html.range(of: #"<form method="post" enctype="multipart/form-data"[^>]*>"#, options: .regularExpression))
            #expect(!html[form].contains("_csrf"))
            #expect(html.contains("data-upload-progress") && html.contains("data-testid=\"upload-progress\""))
            #expect(html.contains("name=\"_csrf\""))
        }
    }

    /// The upload answers 303 to the load's result page; opening it again (a refresh) loads nothing again.
    @Test func uploadRedirectsToItsResult() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let (web, _) = try await Self.steward(app, f)
            let res = try await Self.upload(web, f, csv: f.csv(rows: 0..<4), csrf: web.cookies[CSRFMiddleware.cookie])
            #expect(res.status == .seeOther, "\(res.body.string.prefix(300))")
            let location = try #require(res.headers.first(name: .location))
            #expect(location.hasPrefix("/catalog/resources/\(f.code)/loads/") && !location.contains("_csrf"))
            for _ in 0..<2 {
                let page = try await web.get(location)
                #expect(page.status == .ok)
                #expect(page.body.string.contains("data-testid=\"load-summary\"") && page.body.string.contains("新增 4"))
            }
            #expect(try await LoadRow.query(on: app.db).filter(\.$resourceCode == f.code).count() == 1)
            #expect(try await app.allRecords(f, token: try await app.token(f.steward)).count == 4)
        }
    }

    /// A workbook uploaded on the page is recorded, and shown, under its file name, not the spool file's path.
    @Test func workbookUploadKeepsItsName() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let (web, _) = try await Self.steward(app, f)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("book-\(UUID()).xlsx").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try writeWorkbook(
                header: f.layout.columns.map(\.name),
                rows: (0..<2).map { r in f.layout.columns.map { XLSXCell.text(f.value($0, row: r)) } }, to: path)
            let boundary = "----databank-xlsx"
            var body = ByteBuffer(
                string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(web.cookies[CSRFMiddleware.cookie] ?? "")\r\n"
                    + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"企业名录.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            body.writeBytes(try Data(contentsOf: URL(fileURLWithPath: path)))
            body.writeString("\r\n--\(boundary)--\r\n")
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .cookie, value: web.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            var result: TestingHTTPResponse?
            try await app.testing().test(.POST, "/catalog/resources/\(f.code)/records", headers: headers, body: body, afterResponse: { result = $0 })
            let res = try #require(result)
            #expect(res.status == .seeOther, "\(res.body.string.prefix(400))")
            let location = try #require(res.headers.first(name: .location))
            let page = try await web.get(location).body.string
            #expect(page.contains("载入结果：企业名录.xlsx") && page.contains("新增 2"), "\(page.prefix(600))")
        }
    }

    /// A file the page cannot load comes back on the page, in its language: no English server message on a Chinese page.
    @Test func refusedUploadSpeaksThePageLanguage() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let (web, _) = try await Self.steward(app, f)
            let res = try await Self.upload(web, f, csv: "no_such_column\nx\n", csrf: web.cookies[CSRFMiddleware.cookie])
            #expect((400..<500).contains(res.status.code))
            let html = res.body.string
            let banner = try #require(html.range(of: "data-testid=\"load-error\""))
            let text = String(html[banner.lowerBound...].prefix(600))
            #expect(text.contains("文件未载入"), "\(text)")
            #expect(!text.contains("Unknown") && !text.contains("Missing") && !text.contains("header"), "\(text)")
        }
    }

    /// A multipart post whose first field is not the cookie's token — or comes after the file — loads nothing.
    @Test func uploadWithoutTheFormsTokenIsRefused() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let (web, _) = try await Self.steward(app, f)
            let forged = try await Self.upload(web, f, csv: f.csv(rows: 0..<3), csrf: "forged")
            #expect(forged.status == .forbidden)
            let missing = try await Self.upload(web, f, csv: f.csv(rows: 0..<3), csrf: nil)
            #expect(missing.status == .forbidden)
            let late = try await Self.upload(web, f, csv: f.csv(rows: 0..<3), csrf: web.cookies[CSRFMiddleware.cookie], csrfAfterFile: true)
            #expect(late.status == .forbidden)
            #expect(try await LoadRow.query(on: app.db).filter(\.$resourceCode == f.code).count() == 0)
        }
    }

    /// A row refused for two reasons is one refused row: on the load's result, on the records page,
    /// and on its fix page, which shows both problems and the row's line in the file.
    @Test func refusedRowsCountByRow() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let (web, _) = try await Self.steward(app, f)
            let res = try await Self.upload(web, f, csv: Self.csvWithTwoProblems(f, rows: 0..<5, bad: 2), csrf: web.cookies[CSRFMiddleware.cookie])
            let result = try await web.get(try #require(res.headers.first(name: .location))).body.string
            #expect(result.contains("拒绝 1 行"))
            #expect(result.contains("被拒绝的行（1，待处理 1）"))
            let records = try await web.get("/catalog/resources/\(f.code)/records").body.string
            #expect(records.contains("待处理的被拒绝行（1）"))
            let entry = try #require(try await QuarantineRow.query(on: app.db).filter(\.$resourceCode == f.code).first())
            let fix = try await web.get("/catalog/resources/\(f.code)/quarantine/\(entry.id!.uuidString)").body.string
            #expect(fix.contains("第 4 行"))  // the header is line 1, so the third data row is line 4
            #expect(fix.contains("此行有 2 处问题"))
            #expect(fix.components(separatedBy: "class=\"error-text\"").count - 1 == 2)
        }
    }

    /// A resubmission refused again keeps the row's line in the file, not its line in the resubmission.
    @Test func refusedAgainKeepsTheRowNumber() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let (web, _) = try await Self.steward(app, f)
            _ = try await Self.upload(web, f, csv: Self.csvWithTwoProblems(f, rows: 0..<5, bad: 2), csrf: web.cookies[CSRFMiddleware.cookie])
            let entry = try #require(try await QuarantineRow.query(on: app.db).filter(\.$resourceCode == f.code).first())
            let path = "/catalog/resources/\(f.code)/quarantine/\(entry.id!.uuidString)"
            let fields = f.layout.columns.map { c in ("v.\(c.name)", c.name == "establish_date" ? "仍然不是日期" : f.value(c, row: 2)) }
            let again = try await web.post(path, fields)
            #expect(again.status == .seeOther)
            let next = try #require(again.headers.first(name: .location))
            #expect(next.contains("again=1"))
            let page = try await web.get(next).body.string
            #expect(page.contains("第 4 行"))
            #expect(page.contains("此行有 1 处问题"))
        }
    }
}
