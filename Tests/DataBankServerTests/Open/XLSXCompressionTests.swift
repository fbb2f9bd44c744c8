import DataBankCore
@testable import DataBankServer
import Foundation
import Testing
import Vapor
import VaporTesting

/// The XLSX downloads are deflated (method 8, sizes in the data descriptor after each entry) and
/// still open in a reader that is not ours: Python's `zipfile` (and `openpyxl` when installed).
@Suite("Open portal: compressed XLSX")
struct XLSXCompressionTests {
    /// Checks the workbook at `path` in Python: every entry deflated and intact (CRC), the sheet's
    /// rows counted; with openpyxl, the workbook loaded and its rows counted too. Prints the row count.
    static func pythonRows(_ path: String) async throws -> (rows: Int?, output: String) {
        let script = """
            import sys, zipfile, xml.etree.ElementTree as ET
            z = zipfile.ZipFile(sys.argv[1])
            assert z.testzip() is None, "bad CRC"
            assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in z.infolist()), "stored entry"
            ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
            n = sum(1 for _ in ET.fromstring(z.read("xl/worksheets/sheet1.xml")).iter(ns + "row"))
            try:
                import openpyxl
                ws = openpyxl.load_workbook(sys.argv[1], read_only=True).active
                assert sum(1 for _ in ws.iter_rows()) == n, "openpyxl disagrees"
            except ImportError:
                pass
            print(n)
            """
        let result = try await ChildProcess.run("/usr/bin/env", ["python3", "-c", script, path], limit: .seconds(120))
        return (Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), result.stdout + result.stderr)
    }

    static func temporary(_ bytes: some Sequence<UInt8>) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-\(UUID().uuidString).xlsx").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The download's entries are deflated and Python reads every row back (header + 25).
    @Test func downloadIsDeflatedAndOpensInPython() async throws {
        try await withDataBank { app in
            let f = try await OpenFixture.make(app, rows: 25)
            let res = try await app.send(.GET, "/api/v1/open/datasets/\(f.code)/data.xlsx")
            #expect(res.status == .ok)
            let bytes = Array(res.body.readableBytesView)
            #expect(bytes.count > 30 && bytes[8] == 8 && bytes[9] == 0, "the first entry's method is deflate")
            #expect(bytes[6] & 0x08 != 0, "sizes follow in a data descriptor")
            let path = try Self.temporary(bytes)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let read = try await Self.pythonRows(path)
            #expect(read.rows == 26, "\(read.output)")
        }
    }

    /// One record like the enterprise register's: code, name, district, capital, founding day, active.
    static func registerRow(_ i: Int) -> [String?] {
        let districts = ["禅城区", "南海区", "顺德区", "高明区", "三水区"]
        let code: String = "91440600MA" + String(format: "%08d", i)
        let name: String = "佛山市示例企业" + String(i) + "有限公司"
        let capital: String = String(100_000 + (i * 7_919) % 9_000_000)
        let founded: String = "20" + String(10 + i % 15) + "-0" + String(1 + i % 9) + "-1" + String(i % 10)
        return [code, name, districts[i % 5], capital, founded, i % 3 == 0 ? "false" : "true"]
    }

    /// A 100,000-row sheet of register-like records, written as the download writes it: deflated,
    /// it is a small fraction of the stored workbook, and Python reads all its rows.
    @Test func aHundredThousandRowsAreMuchSmaller() async throws {
        let header = ["credit_code", "name", "district", "registered_capital", "founded", "active"]
        let kinds: [XLSXStream.CellKind] = [.text, .text, .text, .number, .text, .boolean]
        func book(_ deflater: (any RawDeflater)?) throws -> [UInt8] {
            var book = XLSXStream(header: header, kinds: kinds, deflater: deflater)
            var out = try book.start()
            for page in stride(from: 0, to: 100_000, by: 5_000) {
                let rows: [[String?]] = (page..<page + 5_000).map(Self.registerRow)
                out += try book.rows(rows)
            }
            return out + (try book.finish())
        }
        let clock = ContinuousClock()
        var stored: [UInt8] = [], deflated: [UInt8] = []
        let storedTime = try clock.measure { stored = try book(nil) }
        let deflatedTime = try clock.measure { deflated = try book(try ZlibDeflater()) }
        // The figures docs/PERFORMANCE.md quotes (writer only, no database).
        print("xlsx 100,000 rows: stored \(stored.count) bytes in \(storedTime), deflated \(deflated.count) bytes in \(deflatedTime)")
        #expect(deflated.count * 4 < stored.count, "deflated \(deflated.count) bytes, stored \(stored.count)")
        let path = try Self.temporary(deflated)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let read = try await Self.pythonRows(path)
        #expect(read.rows == 100_001, "\(read.output)")
    }
}
