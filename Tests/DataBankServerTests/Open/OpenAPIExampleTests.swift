import DataBankCore
@testable import DataBankServer
import Foundation
import Testing
import Vapor
import VaporTesting

/// The "API" tab's examples run as written: the server listens on a port, the page is fetched
/// from it, and its curl commands (and its Python, where python3 is installed) are run unchanged.
@Suite("Open data API examples")
struct OpenAPIExampleTests {
    @Test func examplesRunAsWritten() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app, rows: 8)
            app.http.server.configuration.hostname = "127.0.0.1"
            app.http.server.configuration.port = 0
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            do {
                let port = try #require(app.http.server.shared.localAddress?.port)
                let dir = FileManager.default.temporaryDirectory.appendingPathComponent("open-api-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: dir) }
                let page = try await run(["curl", "-fsS", "http://127.0.0.1:\(port)/datasets/\(f.code)/api"], in: dir)
                #expect(page.status == 0)
                let curl = try #require(Self.example("example-curl", in: page.output))
                #expect(curl.contains("http://127.0.0.1:\(port)/api/v1/open/datasets/\(f.code)/"))
                let ran = try await run(["sh", "-c", curl], in: dir)
                #expect(ran.status == 0, "\(ran.output)")
                let csv = try String(contentsOf: dir.appendingPathComponent("\(f.code).csv"), encoding: .utf8)
                #expect(csv.split(separator: "\r\n").count == 9)
                let leaked = f.leaks(ran.output)
                #expect(ran.output.contains("\"items\":[") && !leaked)

                let python = try #require(Self.example("example-python", in: page.output))
                if FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") {
                    let py = try await run(["/usr/bin/python3", "-c", python], in: dir)
                    #expect(py.status == 0, "\(py.output)")
                    #expect(py.output.hasPrefix("8 records"))
                }
            } catch {
                await app.server.shutdown()
                throw error
            }
            await app.server.shutdown()
        }
    }

    /// The text of `<code data-testid="…">`, unescaped as a browser would show it.
    static func example(_ testid: String, in html: String) -> String? {
        guard let start = html.range(of: "data-testid=\"\(testid)\">"), let end = html[start.upperBound...].range(of: "</code>") else { return nil }
        return String(html[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Runs a program (found on PATH), its standard output and error together.
    func run(_ arguments: [String], in dir: URL) async throws -> (status: Int32, output: String) {
        let run = try await ChildProcess.run("/usr/bin/env", arguments, in: dir, mergeStderr: true)
        return (run.status, run.stdout)
    }
}
