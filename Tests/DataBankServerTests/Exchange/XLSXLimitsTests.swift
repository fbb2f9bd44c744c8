import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import ZIPFoundation

/// A workbook whose sheet is a header row followed by `padding` bytes of blanks: a few KB compressed.
private func writeBomb(header: [String], padding: Int, to path: String) throws {
    try? FileManager.default.removeItem(atPath: path)
    let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
    let cells = header.enumerated().map { "<c r=\"\(String(UnicodeScalar(65 + $0)!))1\" t=\"inlineStr\"><is><t>\($1)</t></is></c>" }.joined()
    let head = Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\">\(cells)</row>".utf8)
    let tail = Data("</sheetData></worksheet>".utf8)
    let sheetSize = head.count + padding + tail.count
    try archive.addEntry(with: "xl/workbook.xml", type: .file, uncompressedSize: Int64(workbook.count), compressionMethod: .deflate) { p, n in
        workbook.subdata(in: Int(p)..<Int(p) + n)
    }
    try archive.addEntry(with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: Int64(sheetSize), compressionMethod: .deflate) { p, n in
        // Produced chunk by chunk, so the test never holds the inflated sheet either.
        if Int(p) >= head.count && Int(p) + n <= head.count + padding { return Data(repeating: 0x20, count: n) }
        var chunk = Data(capacity: n)
        for i in Int(p)..<Int(p) + n {
            if i < head.count { chunk.append(head[i]) } else if i < head.count + padding { chunk.append(0x20) } else { chunk.append(tail[i - head.count - padding]) }
        }
        return chunk
    }
}

private let workbook = Data(("<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    + "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"s\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>").utf8)

@Suite("XLSX limits")
struct XLSXLimitsTests {
    /// A sheet inflating far beyond its compressed size is refused (422 `xlsx_bomb`) and the load recorded as failed with the reason.
    @Test func zipBombIsRefusedAndRecorded() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("bomb-\(UUID()).xlsx").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try writeBomb(header: f.layout.columns.map(\.itemName), padding: 12 << 20, to: path)
            #expect((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0) < 200_000)
            let store = try await RecordStores.find(f.code, on: app.db)
            do {
                _ = try await FileLoad.run(path: path, formatName: "xlsx", sheet: nil, store: store, mode: .upsert, encoding: nil,
                                           who: .cli(nil), on: app.db)
                Issue.record("the bomb was accepted")
            } catch let e as AppError {
                #expect(e.status == .unprocessableEntity)
                #expect(e.code == "xlsx_bomb")
            }
            let load = try await LoadRow.query(on: app.db).filter(\.$resourceCode == f.code).sort(\.$startedAt, .descending).first()
            #expect(load?.status == "failed")
            #expect(load?.format == "xlsx")
            #expect(load?.error?.contains("zip bomb") == true)
        }
    }

    /// Past the total decompressed limit (a setting), a workbook is refused as too large (413).
    @Test func decompressedTotalIsBounded() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("large-\(UUID()).xlsx").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try writeBomb(header: f.layout.columns.map(\.itemName), padding: 3 << 20, to: path)
            let store = try await RecordStores.find(f.code, on: app.db)
            await #expect(throws: AppError.self) {
                do {
                    _ = try await FileLoad.run(path: path, formatName: "xlsx", sheet: nil, store: store, mode: .upsert, encoding: nil,
                                               who: .cli(nil), on: app.db, xlsxLimits: XLSXLimits(maxBytes: 1 << 20))
                } catch let e as AppError {
                    #expect(e.status == .payloadTooLarge)
                    #expect(e.code == "xlsx_too_large")
                    throw e
                }
            }
            // Within the limit the same workbook reads (a header and no rows).
            let summary = try await FileLoad.run(path: path, formatName: "xlsx", sheet: nil, store: store, mode: .upsert, encoding: nil,
                                                 who: .cli(nil), on: app.db, xlsxLimits: XLSXLimits(maxBytes: 8 << 20))
            #expect(summary.inserted == 0)
        }
    }

    /// Nested entities in the sheet's XML ("billion laughs") never expand into gigabytes: the read is refused.
    @Test func entityExpansionIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("laughs-\(UUID()).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try? FileManager.default.removeItem(atPath: path)
        var dtd = "<!DOCTYPE worksheet [<!ENTITY l0 \"hahahahahahahahahaha\">"
        for k in 1...9 { dtd += "<!ENTITY l\(k) \"" + String(repeating: "&l\(k - 1);", count: 10) + "\">" }
        dtd += "]>"
        let sheet = Data(("<?xml version=\"1.0\"?>" + dtd + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
            + "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&l9;</t></is></c></row></sheetData></worksheet>").utf8)
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for (name, data) in [("xl/workbook.xml", workbook), ("xl/worksheets/sheet1.xml", sheet)] {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { p, n in
                data.subdata(in: Int(p)..<Int(p) + n)
            }
        }
        #expect(throws: AppError.self) { try XLSXReader(path: path).rows(sheet: nil) }
    }

    /// Rows stream from the sheet: the reader hands each on as it ends (header first).
    @Test func rowsStreamInOrder() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rows-\(UUID()).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try writeWorkbook(header: ["a", "b"], rows: [[.inline("1"), .number("2")], [.empty, .inline("x")]], to: path)
        var seen: [Int] = []
        try XLSXReader(path: path).read(sheet: nil) { n, _ in seen.append(n) }
        #expect(seen == [1, 2, 3])
    }
}
