import CZlib
import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
#if canImport(Glibc)
    import Glibc
#endif

/// gzip of `bytes` (zlib with a gzip wrapper).
func gzip(_ bytes: [UInt8]) -> [UInt8] {
    var s = z_stream()
    _ = deflateInit2_(&s, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    defer { deflateEnd(&s) }
    var input = bytes, out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    let count = input.count
    input.withUnsafeMutableBufferPointer { inBuf in
        s.next_in = inBuf.baseAddress
        s.avail_in = uInt(count)
        var status = Z_OK
        repeat {
            chunk.withUnsafeMutableBufferPointer { o in
                s.next_out = o.baseAddress
                s.avail_out = uInt(o.count)
                status = deflate(&s, Z_FINISH)
            }
            out.append(contentsOf: chunk[0..<(chunk.count - Int(s.avail_out))])
        } while status == Z_OK
    }
    return out
}

/// Sends raw bytes to 127.0.0.1:`port` over TCP and reads until the server closes (or 20 s pass).
/// The blocking socket calls run on a thread of their own: on the cooperative pool they could
/// hold the threads the server's handlers need.
func rawExchange(port: Int, _ request: [UInt8]) async throws -> String {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try blockingExchange(port: port, request) }) }
    }
}

private func blockingExchange(port: Int, _ request: [UInt8]) throws -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    defer { close(fd) }
    var timeout = timeval(tv_sec: 60, tv_usec: 0)  // a loaded machine (parallel suites) can take 20 s over a load
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    var sent = 0
    while sent < request.count {
        let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if n <= 0 { break }  // the server may close before reading everything
        sent += n
    }
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { break }
        answer += buffer[0..<n]
    }
    return String(decoding: answer, as: UTF8.self)
}

/// Runs `body` with the app listening on a free loopback port.
func withRunningDataBank(_ body: (Application, Int) async throws -> Void) async throws {
    try await withDataBank { app in
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = try #require(app.http.server.shared.localAddress?.port)
        do { try await body(app, port) } catch { await app.server.shutdown(); throw error }
        await app.server.shutdown()
    }
}

func request(_ head: String, body: [UInt8] = []) -> [UInt8] { Array(head.utf8) + body }

@Suite("Input limits")
struct InputLimitsTests {
    /// The catastrophic pattern `^(a+)+$` as a rule: the load completes and the row is quarantined.
    @Test func redosRuleLoadCompletes() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let column = try #require(f.layout.columns.filter { !$0.primaryKey && $0.type == .C }.max { ($0.length ?? 0) < ($1.length ?? 0) })
            let rule = try await app.send(
                .POST, "/api/v1/resources/\(f.code)/rules", token: token,
                json: ["kind": "expression", "expression": "matches(\(column.name), '^(a+)+$')"])
            #expect(rule.status == .created)
            let evil = String(repeating: "a", count: min((column.length ?? 40), 200) - 1) + "!"
            let good = String(repeating: "a", count: 8)
            let rows = [good, evil].enumerated().map { i, v in
                f.layout.columns.map { $0.name == column.name ? v : f.value($0, row: i) }.joined(separator: ",")
            }
            let res = try await app.loadCSV(f, f.header() + "\n" + rows.joined(separator: "\n") + "\n", token: token)
            let summary = try res.decode(LoadAnswer.self)
            #expect(summary.inserted == 1)
            #expect(summary.rejected == 1)
        }
    }

    /// A standard whose pattern needs backtracking is refused with the engine's reason, as a rule would be.
    @Test func standardPatternNeedingBacktrackingIsRefused() async throws {
        try await withDataBank { app in
            let token = try await app.token("admin")
            let res = try await app.send(
                .POST, "/api/v1/standards", token: token,
                json: ItemStandard(code: "TESTBR1", name: "回溯", definition: "测试", dataType: .C, length: 6, pattern: #"^(\d)\1$"#))
            #expect(res.status == .unprocessableEntity)
            let error = try res.errorBody()
            #expect(error.details.first?.field == "pattern")
            #expect(error.details.first?.messageEn.contains("backreference") == true)
        }
    }

    /// A 20 KB URL gets 414 and 40 KB of headers 431, in the API's error shape, over a real socket.
    @Test func oversizedTargetAndHeadersGetStatusCodes() async throws {
        try await withRunningDataBank { _, port in
            let url = "/api/v1/resources?q=" + String(repeating: "a", count: 20_000)
            let long = try await rawExchange(port: port, request("GET \(url) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
            #expect(long.hasPrefix("HTTP/1.1 414"))
            #expect(long.contains("uri_too_long"))
            let headers = (0..<40).map { "X-Filler-\($0): \(String(repeating: "b", count: 1_000))\r\n" }.joined()
            let many = try await rawExchange(port: port, request("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\(headers)Connection: close\r\n\r\n"))
            #expect(many.hasPrefix("HTTP/1.1 431"))
            #expect(many.contains("headers_too_large"))
        }
    }

    /// Past the HTTP parser's own 80 KiB cap (a 100 KB header) or with a malformed request line, SwiftNIO
    /// closes the connection before any middleware runs: no 500, and the server keeps serving.
    @Test func parserRefusalsCloseTheConnectionAndServingGoesOn() async throws {
        try await withRunningDataBank { _, port in
            let huge = try await rawExchange(
                port: port, request("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: \(String(repeating: "c", count: 100_000))\r\n\r\n"))
            #expect(!huge.contains(" 500 "))
            let garbage = try await rawExchange(port: port, request("GARBAGE\u{1}\r\n\r\n"))
            #expect(!garbage.contains(" 500 "))
            let ok = try await rawExchange(port: port, request("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
            #expect(ok.hasPrefix("HTTP/1.1 200"))
        }
    }

    /// gzip load bodies: a good one loads, a corrupt one is 400 and a bomb 422, each failure recorded on the load.
    @Test func compressedLoadBodies() async throws {
        try await withRunningDataBank { app, port in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            func post(_ body: [UInt8]) async throws -> String {
                try await rawExchange(
                    port: port,
                    request(
                        "POST /api/v1/resources/\(f.code)/records HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(token)\r\n"
                            + "Content-Type: text/csv\r\nContent-Encoding: gzip\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n", body: body))
            }
            let good = try await post(gzip(Array(f.csv(rows: 0..<2).utf8)))
            #expect(good.hasPrefix("HTTP/1.1 200"))
            #expect(good.contains("\"inserted\":2"))

            let corrupt = try await post(Array(gzip(Array(f.csv(rows: 2..<4).utf8)).prefix(12)) + [0xFF, 0xFE, 0xFD, 0xFC])
            #expect(corrupt.hasPrefix("HTTP/1.1 400"))
            #expect(corrupt.contains("invalid_content_encoding"))

            let bomb = gzip(Array(f.header().utf8) + [0x0A] + [UInt8](repeating: 0x20, count: 40 << 20))
            #expect(bomb.count < 100_000)
            let refused = try await post(bomb)
            #expect(refused.hasPrefix("HTTP/1.1 422"))
            #expect(refused.contains("compression_bomb"))

            let loads = try await LoadRow.query(on: app.db).filter(\.$resourceCode == f.code).sort(\.$startedAt).all()
            #expect(loads.map(\.status).suffix(3) == ["committed", "failed", "failed"])
            #expect(loads.last?.error?.contains("compression bomb") == true)
            #expect(loads.dropLast().last?.error?.contains("not valid compressed data") == true)
        }
    }

    /// A compressed body anywhere but a record load is refused (415), not read as garbage.
    @Test func compressedBodyElsewhereIsRefused() async throws {
        try await withDataBank { app in
            let res = try await app.sendRaw(
                .POST, "/api/v1/standards", token: try await app.token("admin"), contentType: "application/json",
                body: gzip(Array("{}".utf8)), headers: [("Content-Encoding", "gzip")])
            #expect(res.status == .unsupportedMediaType)
            #expect(try res.errorBody().code == "unsupported_content_encoding")
        }
    }
}
