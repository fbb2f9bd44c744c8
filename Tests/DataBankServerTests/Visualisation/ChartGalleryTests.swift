import Foundation
import Testing
import Vapor
import VaporTesting
@testable import DataBankCore
@testable import DataBankServer

@Suite("Chart gallery and raster")
struct ChartGalleryTests {
    static let types = [
        "bar", "bar-long", "hbar", "stacked", "line", "area", "pie", "donut", "number", "table", "scatter", "heat", "pareto", "map", "map-codes", "empty",
        "suppressed"
    ]

    /// The platform admin sees every sample in both languages, each an accessible SVG with its
    /// hidden data table; long labels and hostile ones come out cut and escaped.
    @Test func galleryShowsEveryTypeInBothLanguages() async throws {
        try await withDataBank { app in
            var admin = SignInClient(app)
            #expect(try await admin.signIn("admin", "databank-demo").status == .seeOther)
            for (lang, empty) in [("zh", "无数据"), ("en", "No data")] {
                let page = try await admin.request(.GET, "/admin/charts/gallery?lang=\(lang)", body: nil)
                #expect(page.status == .ok)
                let html = page.body.string
                for name in Self.types { #expect(html.contains("data-testid=\"gallery-\(name)\""), "\(name)") }
                #expect(html.components(separatedBy: "role=\"img\"").count - 1 >= Self.types.count)
                #expect(html.components(separatedBy: "<div class=\"visually-hidden\"><table class=\"chart-data\"").count - 1 == Self.types.count)
                #expect(html.contains(">\(empty)</text>"))
                #expect(html.contains("R&amp;D &lt;检测中心&gt;") && !html.contains("R&D <检测中心>"))
            }
        }
    }

    /// Only the platform admin: a steward is refused, an anonymous visitor sent to sign in.
    @Test func galleryIsForThePlatformAdmin() async throws {
        try await withDataBank { app in
            var steward = SignInClient(app)
            #expect(try await steward.signIn("scj_steward", "databank-demo").status == .seeOther)
            #expect(try await steward.request(.GET, "/admin/charts/gallery", body: nil).status == .forbidden)
            #expect(try await steward.request(.GET, "/admin/charts/gallery/bar?format=svg", body: nil).status == .forbidden)
            let anonymous = try await app.send(.GET, "/admin/charts/gallery")
            #expect(anonymous.status == .seeOther || anonymous.status == .unauthorized)
        }
    }

    /// One sample as an SVG file, and as a PNG with the right signature and twice the drawn size.
    @Test func sampleAsSVGAndPNG() async throws {
        try await withDataBank { app in
            var admin = SignInClient(app)
            #expect(try await admin.signIn("admin", "databank-demo").status == .seeOther)
            let svg = try await admin.request(.GET, "/admin/charts/gallery/map?format=svg&lang=en", body: nil)
            #expect(svg.status == .ok && svg.headers.contentType?.subType == "svg+xml")
            #expect(svg.body.string.hasPrefix("<svg") && svg.body.string.contains("data-code=\"440606\""))
            let png = try await admin.request(.GET, "/admin/charts/gallery/bar?format=png", body: nil)
            #expect(png.status == .ok && png.headers.contentType == .png)
            let bytes = Data(buffer: png.body)
            let size = try #require(ChartRaster.size(ofPNG: bytes))
            #expect(size.width == 1280 && size.height == 720)
            #expect(try await admin.request(.GET, "/admin/charts/gallery/nope?format=svg", body: nil).status == .notFound)
            #expect(try await admin.request(.GET, "/admin/charts/gallery/bar?format=gif", body: nil).status == .badRequest)
        }
    }

    /// Chinese labels draw: a chart of CJK text rasterises to more ink than the same chart with its
    /// labels removed (a missing CJK font draws empty boxes or nothing, which this would not catch
    /// alone, so the font is also checked with fc-list).
    @Test func cjkFontIsInstalled() async throws {
        let fonts = try await ChildProcess.run("/usr/bin/env", ["fc-list", ":lang=zh", "family"])
        #expect(fonts.status == 0 && !fonts.stdout.isEmpty, "no CJK font: apt-get install fonts-noto-cjk (or fonts-wqy-microhei)")
        let sample = ChartGallery.samples(.zh)[0]
        let png = try await ChartRaster.png(ChartRenderer.svg(sample.data, sample.spec))
        #expect(png.starts(with: ChartRaster.pngSignature))
        #expect(ChartRaster.size(ofPNG: png)?.width == 640)
    }

    /// No rsvg-convert: a clear 503 `raster_unavailable`, whether it is absent from PATH or cannot start.
    @Test func missingToolIsAClearError() async throws {
        #expect(ChartRaster.toolPath(environment: ["PATH": "/nonexistent"]) == nil)
        #expect(ChartRaster.toolPath(environment: ["DATABANK_RSVG_CONVERT": "/nonexistent/rsvg-convert"]) == nil)
        for tool in [nil, "/nonexistent/rsvg-convert"] as [String?] {
            do {
                _ = try await ChartRaster.png("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", tool: tool)
                Issue.record("no error without the tool")
            } catch let error as AppError {
                #expect(error.code == "raster_unavailable" && error.status == .serviceUnavailable)
            }
        }
    }

    /// A tool that hangs is killed at its limit and reported as unavailable, not waited on forever.
    @Test func hangingToolTimesOut() async throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("databank-hang-\(UUID().uuidString).sh")
        try "#!/bin/sh\nexec sleep 30\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        defer { try? FileManager.default.removeItem(at: script) }
        do {
            _ = try await ChartRaster.png("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", tool: script.path, limit: .milliseconds(500))
            Issue.record("no error from a hanging tool")
        } catch let error as AppError {
            #expect(error.code == "raster_unavailable" && error.message.contains("limit"))
        }
    }
}
