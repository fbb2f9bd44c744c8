import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The open-data portal through the real HTTP app: what an anonymous visitor reads (open data,
/// masked), what it may not (有条件开放: metadata only; 不予开放 and classified: 404 as unknown),
/// the downloads, the search's facets and suggestions, and bad input.
@Suite("Open data portal")
struct OpenPortalTests {
    /// An anonymous visitor reads an open dataset's preview (page and JSON) and files, every item
    /// under its default mask: no loaded value of a masked item appears in clear.
    @Test func anonymousReadsOpenRecordsMasked() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            let page = try await app.send(.GET, "/datasets/\(f.code)/preview")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("data-testid=\"preview-table\""))
            let pageLeaks = f.leaks(page.body.string)
            #expect(!pageLeaks)
            let json = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/preview?page=2")
            #expect(json.status == .ok)
            struct Preview: Decodable { var items: [[String: JSONValue]]; var total: Int; var page: Int }
            let preview = try json.decode(Preview.self)
            #expect(preview.total == f.rows && preview.page == 2 && preview.items.count == 10)
            #expect(preview.items.allSatisfy { $0[f.maskedColumn] != nil })
            let jsonLeaks = f.leaks(json.body.string)
            #expect(!jsonLeaks)
            for file in ["data.csv", "data.json", "data.ndjson"] {
                let res = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/\(file)")
                #expect(res.status == .ok, "\(file)")
                #expect(res.body.string.contains(f.store.key(0)), "\(file) holds the records")
                let leaked = f.leaks(res.body.string)
                #expect(!leaked, "\(file) shows no masked item in clear")
            }
        }
    }

    /// The portal shows staff what it shows everyone: the provider's own steward still sees masks there.
    @Test func staffSeeThePublicViewOnThePortal() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            let res = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/data.ndjson", token: try await app.token(f.store.steward))
            #expect(res.status == .ok)
            let leaked = f.leaks(res.body.string)
            #expect(!leaked)
        }
    }

    /// 不予开放 and classified datasets are not on the portal: their pages are the portal's 404 and
    /// their data endpoints answer exactly what an unknown code does.
    @Test func closedAndClassifiedAreUnknown() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            try await app.setOpenType(f.code, .closed)
            let unknown = try await app.send(.GET, "/api/v1/open/datasets/999999-99999/data.csv")
            for path in ["/datasets/\(f.code)", "/datasets/\(f.code)/preview", "/datasets/\(f.code)/api"] {
                let page = try await app.send(.GET, path)
                #expect(page.status == .notFound, "\(path)")
                #expect(page.body.string.contains("data-testid=\"open-not-found\""), "\(path)")
            }
            let data = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/data.csv")
            #expect(data.status == .notFound && unknown.status == .notFound)
            #expect(try data.errorBody().code == unknown.errorBody().code)
            #expect(try data.errorBody().message == unknown.errorBody().message.replacingOccurrences(of: "999999-99999", with: f.code))
            let search = try await app.send(.GET, "/datasets?q=" + "企业登记信息表".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(!search.body.string.contains("/datasets/\(f.code)\""))

            // Classified: open type left open, still unknown.
            try await app.setOpenType(f.code, .unconditional)
            let row = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
            row.classified = true
            try await row.save(on: app.db)
            #expect(try await app.send(.GET, "/datasets/\(f.code)").status == .notFound)
            #expect(try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/data.json").status == .notFound)
        }
    }

    /// 有条件开放 shows its metadata with the "apply" notice and no download; its preview and files
    /// are refused 403 `apply_required` (the refusal audited).
    @Test func conditionalShowsMetadataOnly() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app)
            try await app.setOpenType(f.code, .conditional)
            let page = try await app.send(.GET, "/datasets/\(f.code)")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("data-testid=\"apply-notice\""))
            #expect(page.body.string.contains("data-testid=\"items\""))
            #expect(!page.body.string.contains("data-testid=\"downloads\""))
            let preview = try await app.send(.GET, "/datasets/\(f.code)/preview")
            #expect(preview.status == .forbidden)
            #expect(!preview.body.string.contains("preview-table"))
            for file in ["data.csv", "data.xlsx", "preview"] {
                let res = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/\(file)")
                #expect(res.status == .forbidden, "\(file)")
                #expect(try res.errorBody().code == "apply_required")
                let leaked = f.leaks(res.body.string) || res.body.string.contains(f.store.key(0))
                #expect(!leaked)
            }
            let refused = try await app.db.sql.raw(
                "SELECT COUNT(*) AS n FROM audit_log WHERE resource_code = \(bind: f.code) AND operation = 'refused.apply_required'"
            ).first()?.decode(column: "n", as: Int.self)
            #expect(refused == 3)
        }
    }

    /// CSV comes plain (no byte-order mark) and, with `?bom=true`, with the UTF-8 mark Excel needs;
    /// a bad `bom` is a 400 JSON error.
    @Test func csvWithAndWithoutByteOrderMark() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app, rows: 5)
            let plain = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/data.csv")
            let excel = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/data.csv?bom=true")
            let plainBytes = Array(plain.body.readableBytesView), excelBytes = Array(excel.body.readableBytesView)
            #expect(Array(excelBytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
            #expect(Array(plainBytes.prefix(3)) != [0xEF, 0xBB, 0xBF])
            #expect(Array(excelBytes.dropFirst(3)) == plainBytes)
            #expect(plain.body.string.hasPrefix(f.store.layout.columns.map(\.name).joined(separator: ",") + "\r\n"))
            #expect(plain.body.string.split(separator: "\r\n").count == 6)
            #expect(plain.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            let bad = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/data.csv?bom=maybe")
            #expect(bad.status == .badRequest)
            #expect(try bad.errorBody().code == "invalid_bom")
            let badFile = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/data.exe")
            #expect(badFile.status == .notFound)
        }
    }

    /// The XLSX download opens: the project's own reader parses it back to the CSV's header and cells.
    @Test func xlsxOpensWithTheProjectsReader() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app, rows: 12)
            let res = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/data.xlsx")
            #expect(res.status == .ok)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("open-\(UUID().uuidString).xlsx").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try Data(res.body.readableBytesView).write(to: URL(fileURLWithPath: path))
            let sheet = try XLSXReader(path: path).rows(sheet: nil)
            let csv = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/data.csv")
            let lines = csv.body.string.split(separator: "\r\n").map(String.init)
            #expect(sheet.header.joined(separator: ",") == lines[0])
            #expect(sheet.rows.count == 12)
            let keyIndex = try #require(sheet.header.firstIndex(of: f.store.keyColumn.name))
            #expect(Set(sheet.rows.compactMap { $0.cells[keyIndex] }) == Set((0..<12).map { f.store.key($0) }))
            #expect(!sheet.rows.contains { row in row.cells.contains { cell in cell.map { f.clearValues.contains($0) } ?? false } })
        }
    }

    /// The search's facet counts are those of the portal's scope: every open type shown is open
    /// (no 不予开放), and each theme's count is the number of portal datasets in that theme.
    @Test func facetCountsCoverThePortalOnly() async throws {
        try await withDataBank { app in
            let res = try await app.send(.GET, "/datasets")
            #expect(res.status == .ok)
            let html = res.body.string
            #expect(!html.contains("facet-open-closed"))
            let rows = try await ResourceRow.query(on: app.db).all().filter(OpenCatalog.isOnPortal)
            #expect(!rows.isEmpty)
            #expect(html.contains(">" + Strings("zh").count(rows.count) + "<"))
            for theme in [Theme.transport, .enterprise, .environment] {
                let expected = rows.filter { $0.catalogSnapshot?.themes.contains(theme) == true }.count
                guard expected > 0 else { continue }
                #expect(Application.number(in: html, after: "facet-theme-\(theme.rawValue)") == expected, "\(theme)")
            }
            let open = rows.filter { $0.openType == OpenType.unconditional.rawValue }.count
            #expect(Application.number(in: html, after: "facet-open-unconditional") == open)
        }
    }

    /// A search that finds nothing suggests a close spelling, removing a filter, and the themes.
    @Test func zeroResultsSuggest() async throws {
        try await withDataBank { app in
            let typo = try await app.send(.GET, "/datasets?q=" + "企业等记".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(typo.status == .ok)
            #expect(typo.body.string.contains("data-testid=\"no-results\""))
            #expect(typo.body.string.contains("data-testid=\"suggest-spelling\">企业登记</a>"))
            #expect(typo.body.string.contains("data-testid=\"suggest-themes\""))
            let narrowed = try await app.send(.GET, "/datasets?q=" + "停车".addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&theme=health")
            #expect(narrowed.body.string.contains("data-testid=\"no-results\""))
            #expect(narrowed.body.string.contains("data-testid=\"suggest-remove-theme\""))
        }
    }

    /// Bad sort, filter or page: the page again with the message (400), or a 400 JSON error; never a 500.
    @Test func badParametersAreFourHundreds() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app, rows: 5)
            for path in ["/datasets?sort=cheapest", "/datasets?theme=moon", "/datasets?offset=-3", "/datasets?provider=x&open=closedish"] {
                let res = try await app.send(.GET, path)
                #expect(res.status == .badRequest, "\(path)")
                #expect(res.body.string.contains("data-testid=\"error-banner\""), "\(path)")
                #expect(res.body.string.contains("data-testid=\"open-search-input\""), "\(path) re-shows the page")
            }
            for query in ["page=9", "page=x", "sort=nope", "column=nope&value=1", "column=\(f.store.keyColumn.name)"] {
                let page = try await app.send(.GET, "/datasets/\(f.code)/preview?\(query)")
                #expect(page.status == .badRequest, "\(query)")
                #expect(page.body.string.contains("data-testid=\"error-banner\""), "\(query)")
                #expect(page.body.string.contains("data-testid=\"preview-table\""), "\(query) re-shows the preview")
                let json = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/preview?\(query)")
                #expect(json.status == .badRequest, "\(query)")
                #expect(try json.errorBody().details.first?.message.isEmpty == false)
            }
            let masked = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/preview?column=\(f.maskedColumn)&value=x")
            #expect(masked.status == .badRequest)
        }
    }

    /// The preview filters on one item and sorts; only the first 100 records are paged through.
    @Test func previewFiltersAndSorts() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app, rows: 30)
            let key = f.store.keyColumn.name
            let one = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/preview?column=\(key)&value=\(f.store.key(7))")
            struct Preview: Decodable { var items: [[String: JSONValue]]; var total: Int }
            let filtered = try one.decode(Preview.self)
            #expect(filtered.total == 1 && filtered.items.first?[key]?.text == f.store.key(7))
            let down = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/preview?sort=-\(key)").decode(Preview.self)
            let keys = down.items.compactMap { $0[key]?.text }
            #expect(keys == keys.sorted(by: >) && keys.count == 20)
        }
    }

    /// Downloads and previews are counted (one upsert a request) and audited; the home page's and
    /// the dataset's figures show them, and the dataset is among the most used.
    @Test func usesAreCountedAndAudited() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app, rows: 5)
            for file in ["data.csv", "data.xlsx", "data.json"] {
                #expect(try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/\(file)").status == .ok)
            }
            #expect(try await app.send(.GET, "/datasets/\(f.code)/preview").status == .ok)
            let counts = try await OpenCounters.of(f.code, on: app.db.sql)
            #expect(counts[.download] == 3 && counts[.preview] == 1)
            let ops = try await app.db.sql.raw("SELECT operation FROM audit_log WHERE resource_code = \(bind: f.code) ORDER BY seq").all()
                .map { try $0.decode(column: "operation", as: String.self) }
            #expect(ops.suffix(4) == ["export.csv", "export.xlsx", "export.json", "open.preview"])
            let home = try await app.send(.GET, "/")
            #expect(home.status == .ok)
            #expect(Application.number(in: home.body.string, after: "figure-downloads") == 3)
            #expect(home.body.string.contains("href=\"/datasets/\(f.code)\""), "the register is featured")
            let dataset = try await app.send(.GET, "/datasets/\(f.code)")
            #expect(Application.number(in: dataset.body.string, after: "figure-dataset-downloads") == 3)
            // Most downloaded first, with and without words (the text search orders its matched set).
            for query in ["sort=downloads", "sort=downloads&q=" + "登记".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!] {
                let sorted = try await app.send(.GET, "/datasets?\(query)")
                #expect(sorted.status == .ok)
                let first = try #require(sorted.body.string.range(of: "data-testid=\"result-name\""))
                let head = sorted.body.string[first.lowerBound...].prefix(200)
                #expect(head.contains("/datasets/\(f.code)") || sorted.body.string[..<first.lowerBound].contains("/datasets/\(f.code)"), "\(query)")
            }
        }
    }

    /// `/` is the portal's home for everyone; a signed-in steward sees it with the way to the workspace.
    @Test func homeForAnonymousAndStaff() async throws {
        try await withDataBank { app in
            let anonymous = try await app.send(.GET, "/")
            #expect(anonymous.status == .ok)
            #expect(anonymous.body.string.contains("data-testid=\"themes\""))
            #expect(anonymous.body.string.contains("data-testid=\"figure-datasets\""))
            #expect(!anonymous.body.string.contains("workspace-link"))
            let staff = try await app.send(.GET, "/", token: try await app.token("scj_steward"))
            #expect(staff.status == .ok)
            #expect(staff.body.string.contains("data-testid=\"workspace-link\""))
            let english = try await app.send(.GET, "/?lang=en")
            #expect(english.body.string.contains("Foshan Open Data") && english.body.string.contains("lang=\"en\""))
        }
    }

    /// A provider's page lists its open datasets; a department with nothing open is unknown.
    @Test func providerPage() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app, rows: 3)
            let row = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
            let page = try await app.send(.GET, "/providers/\(row.departmentCode)")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("/datasets/\(f.code)"))
            #expect(try await app.send(.GET, "/providers/000000000").status == .notFound)
            #expect(try await app.send(.GET, "/providers").body.string.contains("/providers/\(row.departmentCode)"))
        }
    }
}
